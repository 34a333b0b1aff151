"""The self-check JSON twin: request and response (the report with tips filled)."""

from marshmallow import Schema, fields, validate

from schemas.report import Report
from schemas.requests import ACCOUNT, ROLE_NAMES


class SelfCheckRequest(Schema):
    accounts = fields.List(ACCOUNT, required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "network:handle or profile URLs; the "
                                     "first is the main profile",
                                     "example": ["github:octocat"]})
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))
    discover = fields.Boolean(load_default=True, metadata={
        "description": "also include accounts published on the main profile (set false to "
                       "check exactly the accounts given)"})


class SelfCheckTip(Schema):
    signal = fields.String(allow_none=True)
    network = fields.String(allow_none=True)
    text = fields.String(required=True)
    gain = fields.Integer(allow_none=True, metadata={
        "description": "estimated score points gained; null when it cannot be estimated"})
    from_ = fields.Float(allow_none=True, data_key="from")
    to = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)
    not_changed = fields.String(required=True)


class PublishedAccount(Schema):
    account = fields.String(required=True)
    linked_by = fields.String(required=True)
    on = fields.String(required=True)
    scored = fields.Boolean(required=True)


class SelfCheckResponse(Report):
    tips = fields.List(fields.Nested(SelfCheckTip), required=True)
    hover_card = fields.Dict(metadata={
        "description": "exactly what a recruiter's hover card shows for this report"})
    published_accounts = fields.List(fields.Nested(PublishedAccount), metadata={
        "description": "accounts published on the main profile, included or not"})
    unverified_accounts = fields.List(fields.Dict(), metadata={
        "description": "accounts not counted because they are not verified to be the same "
                       "person: account, linked_by, how_to_verify"})
