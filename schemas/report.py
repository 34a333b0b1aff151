"""The report: every number with its inputs, exclusions, percentiles, weights and versions."""

from marshmallow import Schema, fields, validate

from schemas.common import Band, Caveat, Topic

REPORT_STATUSES = ("scored", "insufficient_data", "not_found", "opted_out", "not_claimed")


class SignalBreakdown(Schema):
    name = fields.String(required=True)
    raw = fields.Float(required=True, allow_none=True)
    excluded = fields.Float(required=True, allow_none=True)
    exclusion_reason = fields.String(allow_none=True)
    value = fields.Float(required=True, allow_none=True)
    percentile = fields.Float(allow_none=True)
    # null for a signal that was not observed (raw, value) or is shown but not scored (weight)
    weight = fields.Float(required=True, allow_none=True)
    scored = fields.Boolean()
    observed = fields.Boolean()
    decayed = fields.Float(allow_none=True)
    exclusion_rules = fields.List(fields.String(), metadata={
        "description": "names of the gaming rules that removed part of the raw value"})
    statistic = fields.String(allow_none=True, metadata={
        "description": "how items are combined (sum, h-index, top-5 mean, ...)"})
    before = fields.Float(allow_none=True, metadata={
        "description": "the value before exclusions"})
    unobserved = fields.Boolean(metadata={
        "description": "the network did not let us observe it (not a measured zero)"})
    window_days = fields.Integer(allow_none=True, metadata={
        "description": "days the network lets us count, when shorter than the year the "
                       "calibration counts"})
    projected = fields.Float(allow_none=True, metadata={
        "description": "the value projected to a year (value x 365 / window_days)"})


class NetworkBreakdown(Schema):
    network = fields.String(required=True)
    handle = fields.String(required=True)
    account = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": (
        "found, not_found, failed, not_configured, suspended, deactivated, hidden, or "
        "unverified: not counted, not verified to be the same person (see how_to_verify)")})
    linked_by = fields.String(required=True)
    verified_by = fields.String(allow_none=True, metadata={"description": (
        "how the account was shown to be the subject's: primary, a two-sided link, a link "
        "the network verified, or a claim with the same token; null when not verified")})
    how_to_verify = fields.String(allow_none=True, metadata={"description": (
        "for an unverified account: which backlink to publish where, or which claim to make")})
    signals = fields.List(fields.Nested(SignalBreakdown), required=True)
    network_score = fields.Float(allow_none=True)
    confidence = fields.Float(allow_none=True)
    role_weight = fields.Float(allow_none=True)
    contribution = fields.Float(allow_none=True, metadata={"description": (
        "this network's term of the combined value C, in points of 100 "
        "(service/scoring/README.md §5); the terms add up to C")})
    fetched_at = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    network_score_raw = fields.Float(allow_none=True)
    evidence = fields.Float(allow_none=True)
    weighted = fields.Float(allow_none=True)
    calibration = fields.Dict(allow_none=True, metadata={
        "description": "the population this network's percentiles come from, and its version"})


class Exclusion(Schema):
    network = fields.String(required=True)
    signal = fields.String(required=True)
    amount = fields.Float(required=True)
    reason = fields.String(required=True)
    rule = fields.String(allow_none=True, metadata={"description": "the named gaming rule"})


class Unobserved(Schema):
    network = fields.String(required=True)
    signals = fields.List(fields.String(), required=True)
    failed_calls = fields.List(fields.String())


class Degraded(Schema):
    network = fields.String(required=True)
    reason = fields.String(allow_none=True)
    retry_at = fields.String(metadata={"description": (
        "for reason rate_limited: when the network's quota resets (ISO 8601, UTC); nothing "
        "is sent to it before then")})


class Tip(Schema):
    """One self-check tip (reports carry none; the self-check fills them)."""

    kind = fields.String(validate=validate.OneOf(("contribution", "identity", "link")),
                         metadata={"description": "contribution: one signal at its next "
                                   "realistic step; identity: verify an account found but not "
                                   "counted; link: include an account you published"})
    signal = fields.String(allow_none=True)
    network = fields.String(allow_none=True)
    account = fields.String(allow_none=True)
    text = fields.String(required=True, metadata={
        "description": "what kind of work moves the signal (from the model's tips.json)"})
    effect = fields.String(metadata={
        "description": "when it shows: the signal's window and decay"})
    step = fields.String(metadata={"description": "one more, next decile, verify or include"})
    gain = fields.Float(allow_none=True, metadata={
        "description": "score points gained (one decimal) when the model re-scores the "
                       "profile at the step; null when it cannot be estimated"})
    score_after = fields.Integer(allow_none=True)
    from_ = fields.Float(allow_none=True, data_key="from")
    to = fields.Float(allow_none=True)
    percentile_from = fields.Float(allow_none=True)
    percentile_to = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)
    not_changed = fields.String(required=True)


class Report(Schema):
    subject = fields.String(required=True, metadata={"example": "github:octocat"})
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    score = fields.Integer(allow_none=True, metadata={"description": "1-100 or null"})
    band = fields.Nested(Band, allow_none=True)
    percentile = fields.Float(allow_none=True)
    population = fields.String(allow_none=True)
    confidence = fields.Float(allow_none=True)
    role = fields.String(required=True)
    networks = fields.List(fields.Nested(NetworkBreakdown), required=True)
    exclusions = fields.List(fields.Nested(Exclusion))
    unobserved = fields.List(fields.Nested(Unobserved), metadata={"description": (
        "signals a network did not let us observe, and the calls that failed: these are "
        "imputed (band widened), never counted as zero")})
    topics = fields.List(fields.Nested(Topic), required=True)
    caveats = fields.List(fields.Nested(Caveat), required=True)
    tips = fields.List(fields.Nested(Tip))
    model_version = fields.String(allow_none=True)
    calibration_version = fields.String(allow_none=True)
    computed_at = fields.String(allow_none=True)
    stale = fields.Integer(allow_none=True, metadata={
        "description": "age in seconds when served from cache after an upstream failure"})
    degraded = fields.List(fields.Nested(Degraded), required=True)
    computation = fields.Dict(allow_none=True, metadata={
        "description": "how the networks combine into the score: formula and constants"})


class HistoryPoint(Schema):
    date = fields.String(required=True)
    score = fields.Integer(allow_none=True)
    band = fields.Nested(Band, allow_none=True)
    status = fields.String()
    networks = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    model_version = fields.String()


class History(Schema):
    subject = fields.String(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True)
    snapshots = fields.List(fields.Nested(HistoryPoint), required=True)
    caveats = fields.List(fields.Nested(Caveat), required=True)
