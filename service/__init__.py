"""Candor: an honest, transparent professional-influence score."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from service.config import Settings


def create_app(settings: Settings | None = None) -> Flask:
    """The Flask application factory (imported lazily so ``service.scoring`` stays Flask-free)."""
    from service.app import create_app as _create_app

    return _create_app(settings)
