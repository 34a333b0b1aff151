"""Configuration read from the environment (names as in DESIGN.md).

Everything the service needs from outside comes through :class:`Settings`, so tests and
benchmarks can build one explicitly instead of mutating ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
    "REDDIT": "https://oauth.reddit.com",
}

CREDENTIAL_VARS: dict[str, str] = {
    "github_token": "CANDOR_GITHUB_TOKEN",
    "gitlab_token": "CANDOR_GITLAB_TOKEN",
    "stackexchange_key": "CANDOR_STACKEXCHANGE_KEY",
    "youtube_key": "CANDOR_YOUTUBE_KEY",
    "x_bearer_token": "CANDOR_X_BEARER_TOKEN",
}


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
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
        )

    def api_url(self, name: str) -> str:
        return self.api_urls[name.upper()]

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'candor.sqlite3'}"

    @property
    def effective_cache_url(self) -> str:
        return self.cache_url or f"file://{self.instance_path / 'cache'}"
