"""The self-check JSON twin: request and response (the report with tips filled)."""

from marshmallow import Schema, fields, validate

from schemas.common import StrictBoolean
from schemas.report import Report, Tip
from schemas.requests import ACCOUNT, ROLE_NAMES


class SelfCheckRequest(Schema):
    accounts = fields.List(ACCOUNT, required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "network:handle or profile URLs; the "
                                     "first is the main profile",
                                     "example": ["github:octocat"]})
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))
    # Only JSON true/false: marshmallow would also take 0, 1, "yes" or "off" as booleans.
    discover = StrictBoolean(load_default=True, metadata={
        "description": "also include accounts published on the main profile (set false to "
                       "check exactly the accounts given)"})


class PublishedAccount(Schema):
    account = fields.String(required=True)
    linked_by = fields.String(required=True)
    on = fields.String(required=True)
    scored = fields.Boolean(required=True)


class SelfCheckResponse(Report):
    tips = fields.List(fields.Nested(Tip), required=True)
    hover_card = fields.Dict(metadata={
        "description": "exactly what a recruiter's hover card shows for this report"})
    published_accounts = fields.List(fields.Nested(PublishedAccount), metadata={
        "description": "accounts published on the main profile, included or not"})
    check_id = fields.String(allow_none=True, metadata={
        "description": "id for POST /v1/self-checks/what-if (kept 30 minutes); null when "
                       "the result has no score"})
    what_if_fields = fields.List(fields.Dict(), metadata={
        "description": "per counted account, the scored signals and their current values"})
    unverified_accounts = fields.List(fields.Dict(), metadata={
        "description": "accounts not counted because they are not verified to be the same "
                       "person: account, linked_by, how_to_verify"})


class WhatIfChange(Schema):
    account = fields.String(required=True, validate=validate.Length(min=3, max=300),
                            metadata={"example": "github:octocat"})
    signal = fields.String(required=True, validate=validate.Length(min=1, max=60),
                           metadata={"example": "reviews"})
    value = fields.Float(required=True, allow_nan=False,
                         validate=validate.Range(min=0, max=1e9),
                         metadata={"example": 3})


class WhatIfRequest(Schema):
    check_id = fields.String(required=True, validate=validate.Length(min=8, max=64),
                             metadata={"description": "check_id of a self-check"})
    subject = fields.String(required=True, validate=validate.Length(min=3, max=300),
                            metadata={"description": "that self-check's subject",
                                      "example": "github:octocat"})
    changes = fields.List(fields.Nested(WhatIfChange), required=True,
                          validate=validate.Length(min=1, max=20))


class WhatIfSide(Schema):
    status = fields.String(required=True)
    score = fields.Integer(allow_none=True)
    score_exact = fields.Float(allow_none=True)
    band = fields.Dict(allow_none=True)
    percentile = fields.Float(allow_none=True)
    networks = fields.List(fields.Dict())
    caveats = fields.List(fields.Dict(), metadata={
        "description": "what the number does not measure"})


class WhatIfResponse(Schema):
    subject = fields.String(required=True)
    role = fields.String(required=True)
    check_id = fields.String(required=True)
    computed_at = fields.String()
    at = fields.String()
    changes = fields.List(fields.Nested(WhatIfChange))
    today = fields.Nested(WhatIfSide, required=True)
    what_if = fields.Nested(WhatIfSide, required=True)
    notice = fields.String()
