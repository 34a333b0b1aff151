"""Request bodies and query strings."""

from marshmallow import Schema, fields, validate

ROLE_NAMES = ("engineering", "research", "communications", "sales", "leadership", "general")
# ``network:handle`` or a profile URL (``https://...`` has the same shape): a scheme-like
# name, a colon, then no spaces or control characters. Finer, per-network rules are the
# connectors' (a 400). Explicit ranges rather than ``\S``: Python and JSON Schema (ECMA)
# disagree on which characters ``\s`` covers.
ACCOUNT_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]{0,29}:[^\x00-\x20\x7f]*$"


class FullMatch(validate.Regexp):
    """``Regexp`` that must match the whole value: Python's ``$`` also matches before a final
    newline, which JSON Schema's does not. The spec shows the same pattern."""

    def __call__(self, value: str) -> str:
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise validate.ValidationError(self._format_error(value))
        return value


ACCOUNT = fields.String(validate=[validate.Length(min=3, max=300),
                                  FullMatch(ACCOUNT_PATTERN)])


class RoleQuery(Schema):
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))


class ReportQuery(RoleQuery):
    accounts = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "extra accounts, comma-separated network:handle"})


class BadgeBatchRequest(Schema):
    accounts = fields.List(ACCOUNT, required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))
