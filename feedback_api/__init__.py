"""The Engage feedback API: `create_app()` builds the Flask application.

Settings are declared in `config.py`; the manifest says which pages exist; blueprints serve the
comments API, the service endpoints and (for `make run`) the built site itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from contract.database import project_home
from feedback_api.operations import logs
from feedback_api.storage.models import db

from . import boundary, config, errors, headers, limits, manifest, theme

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
migrate = Migrate()


def default_instance() -> Path:
    """The instance folder when ENGAGE_INSTANCE_PATH is empty: the project's in a checkout,
    `instance/` in the current folder for an installed package."""
    return project_home(__file__) / "instance"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application, configured from the environment (or `test_config` in tests)."""
    overrides = test_config or {}
    instance = overrides.get("ENGAGE_INSTANCE_PATH") or os.environ.get("ENGAGE_INSTANCE_PATH")
    app = Flask(__name__, instance_path=str(Path(instance or default_instance()).resolve()))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config.load(Path(app.instance_path), os.environ, overrides))
    logs.init_app(app)  # before anything logs
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    boundary.init_app(app)

    app.extensions["engage_manifest"] = manifest.ManifestSource(Path(app.config["ENGAGE_MANIFEST"]))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    limits.init_app(app)
    theme.configure(app)
    headers.init_app(app)
    errors.register(app)
    if app.config["ENGAGE_TRUSTED_PROXIES"]:
        proxies = app.config["ENGAGE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from feedback_api import cli, jobs, listening
    from feedback_api.crossposting import runners as crossposting
    from feedback_api.notices import commitments, notifications, rebuild
    from feedback_api.public import comments, feeds, responses, site
    from feedback_api.public import health as api
    from feedback_api.public import search as site_search
    from feedback_api.publishing import runners as publishing
    from feedback_api.staff import (
        account_link,
        accounts_admin,
        approval,
        auth,
        coding,
        crosspost,
        dashboard,
        moderation,
        publish,
        social,
        times,
    )
    from feedback_api.staff.reports import involvement_pages
    from feedback_api.staff.reports import pages as report_pages

    auth.init_app(app)
    times.init_app(app)
    app.register_blueprint(comments.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(approval.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(responses.bp)
    app.register_blueprint(report_pages.bp)
    app.register_blueprint(involvement_pages.bp)
    app.register_blueprint(accounts_admin.bp)
    app.register_blueprint(account_link.bp)
    app.register_blueprint(publish.bp)
    app.register_blueprint(crosspost.bp)
    app.register_blueprint(social.bp)
    app.register_blueprint(coding.bp)
    site_search.init_app(app)
    # The public API is used by pages and scripts that hold no staff session: nothing to forge.
    auth.csrf.exempt(comments.bp)
    auth.csrf.exempt(responses.bp)
    cli.register(app)
    notifications.init_app(app)
    commitments.init_app(app)
    rebuild.init_app(app)
    jobs.init_app(app)
    publishing.init_app(app)
    crossposting.init_app(app)
    listening.init_app(app)
    if app.config["ENGAGE_SITE_DIR"]:
        app.register_blueprint(site.blueprint(Path(app.config["ENGAGE_SITE_DIR"])))
    return app


def engine_options(uri: str) -> dict[str, Any]:
    """SQLite waits for a lock rather than failing, when several workers write at once."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL lets readers go on while one writer commits; a commit survives a killed process.

    synchronous=NORMAL in WAL mode keeps every committed transaction through an application
    crash (the guarantee readers are given); only a power cut may lose the last commits.
    """
    if type(connection).__module__.startswith("sqlite3"):
        # SQLite keeps whatever bytes were written as TEXT; a value that is not UTF-8 reads as
        # U+FFFD instead of failing the whole query (sqlite3's default raises).
        connection.text_factory = _lenient_text
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
