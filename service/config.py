"""Configuration read from the environment (every variable is listed in the README's
"Configuration" table).

Everything the service needs from outside comes through :class:`Settings`, so tests and
benchmarks can build one explicitly instead of mutating ``os.environ``. An invalid value
stops start-up with :class:`ConfigError` naming the variable: a setting that silently fell
back to a default could fail open (a privacy mode read as ``public``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_URLS: dict[str, str] = {
    "GITHUB": "https://api.github.com",
    "GITLAB": "https://gitlab.com/api/v4",
    "STACKEXCHANGE": "https://api.stackexchange.com/2.3",
    "BLUESKY": "https://public.api.bsky.app",
    "HACKERNEWS": "https://hacker-news.firebaseio.com/v0",
    "HACKERNEWS_SEARCH": "https://hn.algolia.com/api/v1",
    "DEVTO": "https://dev.to/api",
    "OPENALEX": "https://api.openalex.org",
    "YOUTUBE": "https://www.googleapis.com/youtube/v3",
    "X": "https://api.x.com/2",
}

CREDENTIAL_VARS: dict[str, str] = {
    "github_token": "CANDOR_GITHUB_TOKEN",
    "gitlab_token": "CANDOR_GITLAB_TOKEN",
    "stackexchange_key": "CANDOR_STACKEXCHANGE_KEY",
    "youtube_key": "CANDOR_YOUTUBE_KEY",
    "x_bearer_token": "CANDOR_X_BEARER_TOKEN",
}


RECRUITER_VISIBILITIES = ("public", "claimed-only")


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""

    def __init__(self, variable: str, value: str, expected: str):
        self.variable = variable
        super().__init__(f"invalid setting {variable}={value!r}: expected {expected}")


def _one_of(*choices: str) -> Callable[[str], bool]:
    return lambda v: v in choices


def _number(kind: type, low: float) -> Callable[[str], bool]:
    def ok(value: str) -> bool:
        try:
            return kind(value) >= low
        except ValueError:
            return False
    return ok


def _rate_limit(value: str) -> bool:
    from limits import parse_many  # flask-limiter's own parser: what it will accept later

    try:
        return bool(parse_many(value))
    except ValueError:
        return False


def _url(*schemes: str) -> Callable[[str], bool]:
    def ok(value: str) -> bool:
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        return parts.scheme in schemes and (parts.scheme == "file" or bool(parts.netloc))
    return ok


# Variable → (check, what a valid value looks like). Unset or empty means the default.
CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "CANDOR_RECRUITER_VISIBILITY": (_one_of(*RECRUITER_VISIBILITIES),
                                    " or ".join(RECRUITER_VISIBILITIES)),
    "CANDOR_MASTODON_SCHEME": (_one_of("https", "http"), "https or http"),
    "CANDOR_REPORT_DEADLINE": (_number(float, 0.1), "seconds, at least 0.1"),
    "CANDOR_COALESCE_MS": (_number(float, 0), "milliseconds, 0 or more (0: no coalescing)"),
    "CANDOR_OPENALEX_MAILTO": (lambda v: "@" in v and " " not in v, "an email address"),
    "CANDOR_AUDIT_RETENTION_DAYS": (_number(int, 1), "a whole number of days, at least 1"),
    "CANDOR_HISTORY_DAYS": (_number(int, 1), "a whole number of days, at least 1"),
    "CANDOR_LOOKUP_CONCURRENCY": (_number(int, 1), "a whole number, at least 1"),
    "CANDOR_BADGE_LIMIT": (_rate_limit, "a rate such as 300/minute"),
    "CANDOR_REPORT_LIMIT": (_rate_limit, "a rate such as 300/minute"),
    "CANDOR_CHECK_LIMIT": (_rate_limit, "a rate such as 30/minute"),
    "CANDOR_CACHE_URL": (_url("file", "redis", "rediss"), "file:///path or redis://host:port/db"),
    "PORT": (_number(int, 0), "a port number"),
    "WEB_CONCURRENCY": (_number(int, 1), "a whole number of workers, at least 1"),
    "GUNICORN_THREADS": (_number(int, 1), "a whole number of threads, at least 1"),
    "GUNICORN_TIMEOUT": (_number(int, 1), "whole seconds, at least 1"),
    "GUNICORN_MAX_REQUESTS": (_number(int, 0), "a whole number (0: never recycle)"),
    "GUNICORN_MAX_REQUESTS_JITTER": (_number(int, 0), "a whole number, 0 or more"),
    "CANDOR_PROXY_HOPS": (_number(int, 0), "the number of trusted proxies, 0 or more"),
    "CANDOR_PUBLIC_URL": (_url("https", "http"), "an http(s) URL"),
}
CHECKS.update({f"CANDOR_{name}_API_URL": (_url("https", "http"), "an http(s) URL")
               for name in DEFAULT_API_URLS})


def check_env(env: Mapping[str, str]) -> None:
    """Raise :class:`ConfigError` for the first set variable whose value is not usable."""
    for variable, (ok, expected) in CHECKS.items():
        value = env.get(variable)
        if value not in (None, "") and not ok(value.strip()):
            raise ConfigError(variable, value, expected)


def default_instance_path() -> Path:
    return Path(os.environ.get("CANDOR_INSTANCE_PATH") or Path.cwd() / "instance")


@dataclass(frozen=True)
class Settings:
    """All runtime configuration. Build with :meth:`from_env` or explicitly in tests."""

    instance_path: Path = field(default_factory=default_instance_path)
    database_url: str | None = None
    cache_url: str | None = None
    api_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_API_URLS))
    mastodon_scheme: str = "https"
    credentials: dict[str, str] = field(default_factory=dict)
    allow_hosts: frozenset[str] = frozenset()
    recruiter_visibility: str = "public"
    # Seconds a whole report may take, all networks together.
    report_deadline: float = 10.0
    # Seconds cold subjects of one network wait for company to share a batch request
    # (service/coalesce.py); CANDOR_COALESCE_MS.
    coalesce_window: float = 0.008
    # Contact address OpenAlex asks for (its "polite pool"); CANDOR_OPENALEX_MAILTO.
    openalex_mailto: str | None = None
    # Days of score history kept for people who have not claimed their profile.
    history_days: int = 90
    # Base of the links in badges ("https://candor.example"); None: relative links. Never the
    # request's Host header: badges are cached and served to everyone.
    public_url: str | None = None
    # Trusted proxies in front that set X-Forwarded-For/-Proto (0: trust no such header).
    proxy_hops: int = 0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        check_env(env)
        instance = Path(env.get("CANDOR_INSTANCE_PATH") or Path.cwd() / "instance")
        api_urls = {
            name: env.get(f"CANDOR_{name}_API_URL", default).rstrip("/")
            for name, default in DEFAULT_API_URLS.items()
        }
        credentials = {key: env[var] for key, var in CREDENTIAL_VARS.items() if env.get(var)}
        allow = frozenset(
            h.strip().lower() for h in env.get("CANDOR_ALLOW_HOSTS", "").split(",") if h.strip()
        )
        return cls(
            instance_path=instance,
            database_url=env.get("CANDOR_DATABASE_URL") or None,
            cache_url=env.get("CANDOR_CACHE_URL") or None,
            api_urls=api_urls,
            mastodon_scheme=env.get("CANDOR_MASTODON_SCHEME", "https"),
            credentials=credentials,
            allow_hosts=allow,
            recruiter_visibility=env.get("CANDOR_RECRUITER_VISIBILITY", "public"),
            report_deadline=float(env.get("CANDOR_REPORT_DEADLINE", "10")),
            coalesce_window=float(env.get("CANDOR_COALESCE_MS") or 8) / 1000.0,
            openalex_mailto=(env.get("CANDOR_OPENALEX_MAILTO") or "").strip() or None,
            history_days=int(env.get("CANDOR_HISTORY_DAYS", "90")),
            public_url=(env.get("CANDOR_PUBLIC_URL") or "").rstrip("/") or None,
            proxy_hops=int(env.get("CANDOR_PROXY_HOPS") or 0),
        )

    def __post_init__(self) -> None:
        # Settings built in code get the same guard as the environment (fail closed).
        if self.recruiter_visibility not in RECRUITER_VISIBILITIES:
            raise ConfigError("CANDOR_RECRUITER_VISIBILITY", self.recruiter_visibility,
                              " or ".join(RECRUITER_VISIBILITIES))

    def api_url(self, name: str) -> str:
        return self.api_urls[name.upper()]

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'candor.sqlite3'}"

    @property
    def effective_cache_url(self) -> str:
        return self.cache_url or f"file://{self.instance_path / 'cache'}"
