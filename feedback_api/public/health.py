"""Service endpoints: health for load balancers and monitoring, and the OpenAPI description."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from feedback_api import outage, storage

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@bp.get("/health")
def health() -> tuple[dict, int] | tuple[dict, int, dict[str, str]]:
    """200 when the database answers, 503 with Retry-After when it does not.

    A monitor asks every few seconds: the outage is logged once, as for every other request.
    """
    try:
        storage.database_ok()
    except SQLAlchemyError as error:
        with contextlib.suppress(SQLAlchemyError):
            storage.rollback()
        outage.current(current_app).failed(error)
        retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
        return {"status": "unavailable", "database": "unavailable"}, 503, retry
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return current_app.response_class(json.dumps(document), mimetype="application/json")
