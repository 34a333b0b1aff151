"""Regenerate ``schema.graphql`` (the subset we vendor) from GitHub's full public schema.

Usage: ``python tests/contracts/github/extract_graphql.py FULL_SCHEMA.graphql > schema.graphql``
(the full file is ``schema.graphql`` of github.com/octokit/graphql-schema; see README.md).

The subset keeps the *complete* definitions of the object and interface types named in
``KEEP`` (chosen by hand: what the connector reads, not derived from its query, so a field
the query invents still fails validation), every enum, input and scalar they reach, and
drops only fields whose type lies outside that set. Not run by the tests.
"""

from __future__ import annotations

import sys

from graphql import build_ast_schema, parse, print_ast
from graphql.language import ast

KEEP = {
    # roots and people
    "Query", "RateLimit", "User", "Organization", "Bot", "Mannequin",
    # interfaces the kept types implement
    "Node", "Actor", "RepositoryOwner", "UniformResourceLocatable", "Contribution",
    "RepositoryInfo", "Starrable",
    # connections and their items
    "PageInfo", "FollowerConnection", "FollowingConnection", "RepositoryConnection",
    "OrganizationConnection", "SocialAccountConnection", "SocialAccount", "Repository",
    "Language",
    # a year of contributions
    "ContributionsCollection", "ContributionCalendar", "ContributionCalendarWeek",
    "ContributionCalendarDay", "ContributionCalendarMonth",
    "CreatedPullRequestContribution", "CreatedPullRequestContributionConnection",
    "CreatedPullRequestReviewContribution", "CreatedPullRequestReviewContributionConnection",
    "CreatedIssueContribution", "CreatedIssueContributionConnection",
    "PullRequestContributionsByRepository", "PullRequestReviewContributionsByRepository",
    "IssueContributionsByRepository", "PullRequest", "Issue",
}
LEAF_KINDS = (ast.EnumTypeDefinitionNode, ast.ScalarTypeDefinitionNode,
              ast.InputObjectTypeDefinitionNode)


def _named(type_node: ast.TypeNode) -> str:
    while not isinstance(type_node, ast.NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def extract(full_sdl: str) -> str:
    doc = parse(full_sdl, no_location=True)
    defs = {d.name.value: d for d in doc.definitions if hasattr(d, "name")}
    kept_leaves: set[str] = set()

    def reach_leaf(name: str) -> bool:
        node = defs.get(name)
        if node is None:  # built-in scalars (String, Int, ...)
            return name in ("String", "Int", "Float", "Boolean", "ID")
        if not isinstance(node, LEAF_KINDS):
            return name in KEEP
        if name not in kept_leaves:
            kept_leaves.add(name)
            for field in getattr(node, "fields", None) or []:  # input objects
                reach_leaf(_named(field.type))
        return True

    out: list[ast.DefinitionNode] = []
    seen_fields: set[tuple[str, str]] = set()
    for name in sorted(KEEP):
        node = defs[name]
        fields = []
        for field in node.fields or []:
            key = (name, field.name.value)
            if key in seen_fields:
                continue  # the published SDL repeats a few fields; keep the first
            seen_fields.add(key)
            if not reach_leaf(_named(field.type)):
                continue
            if all(reach_leaf(_named(arg.type)) for arg in field.arguments or []):
                fields.append(field)
        interfaces = [i for i in node.interfaces or [] if i.name.value in KEEP]
        kind = type(node)
        out.append(kind(name=node.name, description=node.description,
                        directives=node.directives, interfaces=interfaces, fields=fields))
    out.extend(defs[n] for n in sorted(kept_leaves))
    for schema_def in doc.definitions:
        if isinstance(schema_def, ast.SchemaDefinitionNode):
            out.insert(0, schema_def)
    text = print_ast(ast.DocumentNode(definitions=out))
    build_ast_schema(parse(text))  # the subset must itself be a valid schema
    return text + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        sys.stdout.write(extract(fh.read()))
