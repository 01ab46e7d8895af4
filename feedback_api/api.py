"""Service endpoints: health for load balancers and monitoring, and the OpenAPI description."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from . import storage
from .models import db

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@bp.get("/health")
def health() -> tuple[dict, int]:
    """200 when the database answers, 503 when it does not."""
    try:
        storage.database_ok()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: database unavailable")
        return {"status": "unavailable", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return current_app.response_class(json.dumps(document), mimetype="application/json")
