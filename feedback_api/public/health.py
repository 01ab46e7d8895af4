"""Service endpoints: health for load balancers and monitoring, and the OpenAPI description."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from feedback_api import limits, outage, storage
from feedback_api.storage import outbox as outbox_rows
from feedback_api.storage.models import utcnow

bp = Blueprint("api", __name__, url_prefix="/api")
OPENAPI = Path(__file__).resolve().parent / "openapi.json"


@bp.get("/health")
def health() -> tuple[dict, int] | tuple[dict, int, dict[str, str]]:
    """200 when the database answers, 503 with Retry-After when it does not.

    A monitor asks every few seconds: the outage is logged once, as for every other request.
    `rate_limits` says where rate limits are counted and whether that storage answers. Redis
    unreachable is `"ok": false` but still 200: the API keeps answering, counting limits in each
    worker's memory, and taking every host out of the load balancer would be worse.
    `manifest` says how old the build's manifest is (see `manifest_health`); `outbox` how much
    background work waits (see `outbox_health`), only when the database answers.
    """
    # What monitoring reads beside the database, the same in a 200 and a 503.
    reports = {"rate_limits": limits.health(), "manifest": manifest_health()}
    try:
        storage.database_ok()
        backlog = outbox_health()
    except SQLAlchemyError as error:
        with contextlib.suppress(SQLAlchemyError):
            storage.rollback()
        outage.current(current_app).failed(error)
        retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
        return {"status": "unavailable", "database": "unavailable", **reports}, 503, retry
    return {"status": "ok", "database": "ok", **reports, "outbox": backlog}, 200


def outbox_health() -> dict:
    """Messages `waiting` to be delivered (due, retrying or being delivered), `failed` ones
    (given up on, shown on the dashboard), and `oldest_waiting_seconds`: how long the oldest
    waiting one has been queued (null when none waits). A monitor alerts when that grows (no
    worker running, the mail server down) or `failed` is above 0; neither makes the answer 503,
    since readers' requests are served all the same."""
    backlog = outbox_rows.backlog()
    oldest = backlog["oldest_undelivered"]
    age = None if oldest is None else max(0, int((utcnow() - oldest).total_seconds()))
    return {
        "waiting": backlog["undelivered"],
        "failed": backlog["failed"],
        "oldest_waiting_seconds": age,
    }


def manifest_health() -> dict:
    """`age_seconds` since the build last wrote the manifest (null when the file is gone), and
    `ok`: false when gone or older than ENGAGE_MANIFEST_MAX_AGE_HOURS.

    A stale manifest never makes the answer 503: the API goes on serving correctly from the
    last good one (consultations still close on their dates, which the API works out itself),
    and what is stale is the build, which every host shares, so taking hosts out of the load
    balancer would stop the service for a fault it does not have. A monitor alerts on `ok`.
    """
    age = current_app.extensions["engage_manifest"].age_seconds()
    hours = current_app.config["ENGAGE_MANIFEST_MAX_AGE_HOURS"]
    fresh = age is not None and (not hours or age <= hours * 3600)
    return {"age_seconds": None if age is None else int(age), "ok": fresh}


@bp.get("/openapi.json")
def openapi() -> Response:
    """The API's OpenAPI 3.1 description."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return current_app.response_class(json.dumps(document), mimetype="application/json")
