"""Error envelope and small shared pieces."""

from marshmallow import Schema, fields


class StrictBoolean(fields.Boolean):
    """JSON ``true``/``false`` only. marshmallow's Boolean also takes 0, 1, "yes" or "off"
    (and ``0 in {False}`` is true in Python, so ``falsy={False}`` does not help)."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


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
