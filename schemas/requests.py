"""Request bodies and query strings."""

from marshmallow import Schema, fields, validate

ROLE_NAMES = ("engineering", "research", "communications", "sales", "leadership", "general")
ACCOUNT = fields.String(validate=validate.Length(min=3, max=300))


class RoleQuery(Schema):
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))


class ReportQuery(RoleQuery):
    accounts = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "extra accounts, comma-separated network:handle"})


class BadgeBatchRequest(Schema):
    accounts = fields.List(ACCOUNT, required=True, validate=validate.Length(min=1, max=50))
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))
