"""HTTP layer only: parse with schemas/, call the core, render. One blueprint per concern."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api

# Adding an endpoint family means adding a module here exposing ``blp`` (flask-smorest) or
# ``bp`` (plain Flask, for pages that are not part of the JSON API).
BLUEPRINT_MODULES = ("health", "reports", "badges", "docs", "lookups", "claims", "me", "audit",
                     "pages", "selfcheck", "ping")


def register_blueprints(app: Flask, api: Api) -> None:
    for name in BLUEPRINT_MODULES:
        try:
            module = importlib.import_module(f"service.api.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"service.api.{name}":
                continue  # not built yet
            raise
        if hasattr(module, "blp"):
            api.register_blueprint(module.blp)
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
