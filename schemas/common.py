"""Error envelope and small shared pieces."""

from marshmallow import Schema, fields


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"example": "invalid_handle"})
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class ErrorResponse(Schema):
    error = fields.Nested(ErrorBody, required=True)


class Caveat(Schema):
    code = fields.String(required=True)
    text = fields.String(required=True)


class Topic(Schema):
    name = fields.String(required=True)
    weight = fields.Float(required=True)


class Band(Schema):
    low = fields.Integer(required=True)
    high = fields.Integer(required=True)
