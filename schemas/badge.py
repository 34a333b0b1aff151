"""The badge: the compact form the hover card shows."""

from marshmallow import Schema, fields, validate

from schemas.common import Band, Caveat
from schemas.requests import ROLE_NAMES

BADGE_STATUSES = ("scored", "insufficient_data", "not_found", "opted_out", "pending",
                  "not_claimed")


class BadgeNetwork(Schema):
    network = fields.String(required=True)
    network_score = fields.Float(allow_none=True)
    contribution = fields.Float(allow_none=True, metadata={
        "description": "the network's term of the combined value, in points of 100"})


class Badge(Schema):
    subject = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(BADGE_STATUSES))
    score = fields.Integer(allow_none=True)
    band = fields.Nested(Band, allow_none=True)
    confidence = fields.Float(allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLE_NAMES))
    networks = fields.List(fields.Nested(BadgeNetwork), required=True)
    topics = fields.List(fields.String(), required=True)
    caveat_summary = fields.String(required=True)
    caveats = fields.List(fields.Nested(Caveat), required=True)
    computed_at = fields.String(allow_none=True)
    report_url = fields.String(required=True)
    stale = fields.Integer(allow_none=True)
    model_version = fields.String(allow_none=True)
    flags = fields.List(fields.String(), metadata={
        "description": "the subject's own profile flags, e.g. organization (not a person: "
                       "clients show no personal score), bot, moved"})
    message = fields.String(metadata={"description": "human text for non-scored statuses"})


class BatchItemError(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class BatchItem(Schema):
    account = fields.String(required=True)
    badge = fields.Nested(Badge)
    error = fields.Nested(BatchItemError)


class BatchResult(Schema):
    results = fields.List(fields.Nested(BatchItem), required=True)
