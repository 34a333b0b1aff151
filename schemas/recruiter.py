"""The recruiter API, claims and the scored person's controls.

Bodies reject unknown fields (marshmallow's default): there is deliberately no ``sort``,
``min_score`` or any other way to rank or filter people by score.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from schemas.requests import ACCOUNT, ACCOUNT_PATTERN, ROLE_NAMES, FullMatch

MAX_SUBJECTS = 100


class LookupSubject(Schema):
    accounts = fields.List(ACCOUNT, required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": "network:handle; the first is the subject"})
    role = fields.String(load_default="general", validate=validate.OneOf(ROLE_NAMES))


class LookupRequest(Schema):
    subjects = fields.List(fields.Nested(LookupSubject), required=True,
                           validate=validate.Length(min=1, max=MAX_SUBJECTS))
    purpose = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=500))


class Notice(Schema):
    decision = fields.String()
    data_used = fields.String()
    person_rights = fields.Dict()
    documentation = fields.String()


class LookupResult(Schema):
    subject = fields.String()
    role = fields.String()
    accounts = fields.List(fields.String())
    status = fields.String(metadata={"description": "report status, or pending, opted_out, "
                                                    "not_claimed, unavailable, or withdrawn "
                                                    "(the stored result held an account that "
                                                    "opted out since: look it up again)"})
    report = fields.Dict(allow_none=True)
    notice = fields.Nested(Notice)


class Lookup(Schema):
    id = fields.String(allow_none=True)
    status = fields.String()
    done = fields.Integer()
    total = fields.Integer()
    purpose = fields.String(allow_none=True)
    results = fields.List(fields.Nested(LookupResult))


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditEntry(Schema):
    subject = fields.String()
    role = fields.String()
    purpose = fields.String(allow_none=True)
    status = fields.String()
    time = fields.String()


class AuditPage(Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    entries = fields.List(fields.Nested(AuditEntry))


class ClaimRequest(Schema):
    account = fields.String(required=True, validate=[validate.Length(min=3, max=300),
                                                     FullMatch(ACCOUNT_PATTERN)])


class ClaimCreated(Schema):
    id = fields.String()
    account = fields.String()
    code = fields.String()
    status = fields.String()
    instructions = fields.String()
    linked_to = fields.String(allow_none=True, metadata={
        "description": "the claimed account this claim is linked to (started with its token)"})


class ClaimVerified(Schema):
    id = fields.String()
    account = fields.String()
    status = fields.String()
    token = fields.String(allow_none=True, metadata={
        "description": "shown once; send as Bearer on /v1/me (null for a linked claim: the "
                       "token it was started with unlocks it)"})
    linked_to = fields.String(allow_none=True)


class AccessEntry(Schema):
    subject = fields.String()
    key_name = fields.String()
    role = fields.String()
    purpose = fields.String(allow_none=True)
    status = fields.String()
    time = fields.String()


class AccessLog(Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    entries = fields.List(fields.Nested(AccessEntry))


class LinksRequest(Schema):
    accounts = fields.List(ACCOUNT, load_default=list, validate=validate.Length(max=20))
    linkedin = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=300),
                             metadata={"example": "https://www.linkedin.com/in/jane-doe"})

    # A PUT with no body (or ``{}``) must not silently clear the links: at least one field.
    # The spec says so too (``minProperties: 1``, added in service/app.py).
    MIN_PROPERTIES = 1

    @validates_schema(pass_original=True)
    def _not_empty(self, data: dict, original: object, **kwargs: object) -> None:
        if not isinstance(original, dict) or not original:
            raise ValidationError("send accounts, linkedin or both (an empty body changes "
                                  "nothing; send \"accounts\": [] to clear them)")


class Me(Schema):
    id = fields.String()
    account = fields.String()
    status = fields.String()
    opted_out = fields.Boolean()
    extra_accounts = fields.List(fields.String())
    linkedin_url = fields.String(allow_none=True)
    linkedin_status = fields.String(allow_none=True, metadata={"description": (
        "mapped: this claim alone declared the LinkedIn profile; contested: another active "
        "claim declared it too, so it maps to nobody")})
    expires_at = fields.String(allow_none=True)
    proven_accounts = fields.List(fields.String(), metadata={"description": (
        "accounts proven with this claim token (linked claims): they count as yours")})
    notices = fields.List(fields.Dict(), metadata={"description": (
        "revocation, expiry, or this claim having replaced an earlier one on the account")})


class ClaimRow(Schema):
    id = fields.String()
    account = fields.String()
    status = fields.String()
    linked = fields.Boolean()
    verified_at = fields.String(allow_none=True)
    expires_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class ClaimList(Schema):
    claims = fields.List(fields.Nested(ClaimRow))
