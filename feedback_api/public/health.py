"""Service endpoints: health for load balancers and monitoring, and the OpenAPI description."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from feedback_api import limits, outage, storage

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@bp.get("/health")
def health() -> tuple[dict, int] | tuple[dict, int, dict[str, str]]:
    """200 when the database answers, 503 with Retry-After when it does not.

    A monitor asks every few seconds: the outage is logged once, as for every other request.
    `rate_limits` says where rate limits are counted and whether that storage answers. Redis
    unreachable is `"ok": false` but still 200: the API keeps answering, counting limits in each
    worker's memory, and taking every host out of the load balancer would be worse.
    """
    rate_limits = limits.health()
    try:
        storage.database_ok()
    except SQLAlchemyError as error:
        with contextlib.suppress(SQLAlchemyError):
            storage.rollback()
        outage.current(current_app).failed(error)
        retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
        body = {"status": "unavailable", "database": "unavailable", "rate_limits": rate_limits}
        return body, 503, retry
    return {"status": "ok", "database": "ok", "rate_limits": rate_limits}, 200


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return current_app.response_class(json.dumps(document), mimetype="application/json")
