"""Server-rendered pages: the landing page (``/``), the candidate self-check (``/check``)
and the methodology.

Plain HTML forms over GET (results are linkable, nothing changes state, so no CSRF token
and no cookie is needed), autoescaped Jinja, no JavaScript, and a strict CSP.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, render_template, request

from service import scoring
from service.api.http import public_base_url
from service.app import services
from service.scoring import catalogue
from service.web import charts, selfcheck, whatif
from service.web.methodology import methodology

log = logging.getLogger("candor.pages")

bp = Blueprint("pages", __name__)

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


@bp.app_template_filter("candor_num")
def candor_num(value: object) -> str:
    """Numbers as people read them: no float noise, a dash for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.4g}"
    return str(value)


@bp.app_template_filter("candor_json")
def candor_json(value: object) -> str:
    """Pretty JSON as plain text (autoescaped by the template, unlike ``tojson``)."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> tuple[str, int]:
    """Never a stack trace or a JSON blob on a page: a plain page saying what happened."""
    log.exception("page failed")
    return render_template("check_error.html", roles=_roles()), 500


def _roles() -> list[tuple[str, str]]:
    return [(name, spec["label"]) for name, spec in catalogue.roles()["roles"].items()]


def _form_page(typed: str, role: str, error: str | None, bad: str | None, status: int):
    return render_template("check_form.html", roles=_roles(), typed=typed, role=role,
                           error=error, bad=bad), status


@bp.get("/")
def landing():
    """A small front door: what Candor is, and the way to the self-check, the methodology
    and the API reference."""
    response = Response(render_template("landing.html"))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/check")
def check():
    # No role (or an empty one) means the default role, as the form preselects it.
    role = request.args.get("role", "") or catalogue.roles()["default"]
    confirmed = [a for a in request.args.getlist("account") if a.strip()]
    typed = request.args.get("accounts", "")[: selfcheck.MAX_INPUT_CHARS]
    if not confirmed and "accounts" not in request.args:
        return _form_page("", role or catalogue.roles()["default"], None, None, 200)
    if confirmed:
        typed = "\n".join(confirmed)
    if role not in scoring.ROLES:
        return _form_page(typed, role, "Choose one of the listed roles.", None, 400)
    svc = services()
    try:
        texts = confirmed or selfcheck.split_accounts(typed)
        accounts = selfcheck.normalize_all(texts, svc.settings)
        result = selfcheck.run(accounts, role, discover=not confirmed, settings=svc.settings,
                               upstream=svc.upstream, database=svc.database,
                               base_url=public_base_url(), cache_backend=svc.cache.backend)
    except selfcheck.AccountError as exc:
        return _form_page(typed, role, exc.message, exc.text or None, 400)
    report = result.report
    return render_template(
        "check_result.html", roles=_roles(), typed=typed, role=role, error=None, bad=None,
        check=result, report=report, bars=charts.network_bars(report["networks"]),
        spark=charts.sparkline(result.history), confirmed=bool(confirmed),
        role_label=dict(_roles())[role], population=_population(report),
        confidence_word=_confidence_word(report.get("confidence")),
        general_caveats=[c for c in report["caveats"] if c["code"].startswith("not_measured.")],
        specific_caveats=[c for c in report["caveats"]
                          if not c["code"].startswith("not_measured.")],
        how_linked=_how_linked(result),
    )


@bp.get("/check/what-if")
def check_what_if():
    """The what-if form's answer: today's numbers beside the what-if's, re-scored from the
    self-check's fetched inputs (no upstream call). Fields are named ``account|signal``."""
    check_id = request.args.get("check", "")
    subject = request.args.get("subject", "")
    changes, bad = [], None
    for name, raw in request.args.items(multi=True):
        account, sep, signal = name.partition("|")
        if not sep or not raw.strip():
            continue
        try:
            value = float(raw)
        except ValueError:
            bad = f"{signal[:60]}: {raw[:40]!r} is not a number."
            continue
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            bad = f"{signal[:60]}: enter a number of zero or more."
            continue
        changes.append({"account": account[:300], "signal": signal[:60], "value": value})
    svc = services()
    try:
        if bad:
            raise whatif.WhatIfError("invalid_value", bad)
        result = whatif.what_if(svc.cache.backend, check_id, subject, changes)
    except whatif.WhatIfError as exc:
        return render_template("check_whatif.html", error=exc.message, result=None,
                               roles=_roles()), exc.status
    return render_template("check_whatif.html", error=None, result=result, roles=_roles())


@bp.get("/methodology")
def methodology_page():
    response = Response(render_template("methodology.html", m=methodology()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _population(report: dict) -> tuple[str, str | None]:
    """The reference population in plain words, and its parenthetical note if any."""
    text = report.get("population") or ""
    main, sep, rest = text.partition(" (")
    return main, (rest.rstrip(")") if sep else None)


def _confidence_word(confidence: float | None) -> str:
    if confidence is None:
        return "unknown"
    if confidence >= 0.75:
        return "high"
    return "medium" if confidence >= catalogue.model()["low_confidence"] else "low"


def _how_linked(result: selfcheck.SelfCheck) -> dict[str, str]:
    """account -> how it came into the check, in words."""
    published = {p["account"]: p for p in result.published}
    out = {}
    for n in result.report["networks"]:
        account = n["account"]
        if n["linked_by"] == "primary":
            out[account] = "the first account you entered"
        elif account in published:
            p = published[account]
            out[account] = f"published on {p['on']} ({p['linked_by']})"
        elif n["linked_by"] == "given by the caller":
            out[account] = "added by you"
        else:
            out[account] = n["linked_by"]
    return out
