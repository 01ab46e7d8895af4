"""What the workspace's job pages share (Publish, Cross-post): starting a job for the worker,
refused while another of the page's jobs is unfinished; one job's page, or its JSON for the
page's progress while it runs; and who asked for a job."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import abort, flash, g, jsonify, redirect, request, url_for

from feedback_api import jobs
from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Job
from feedback_api.storage.users import get_user
from feedback_api.theme import render_page

STATUS_NAMES = {
    rows.QUEUED: "Waiting for the worker",
    rows.RUNNING: "Running",
    rows.DONE: "Done",
    rows.REFUSED: "Refused",
    rows.FAILED: "Failed",
}


def who(job: Job) -> str:
    user = get_user(job.requested_by) if job.requested_by else None
    return (user.name or user.email) if user else "(removed account)"


@dataclasses.dataclass(frozen=True)
class JobPages:
    """One page's jobs: `blueprint` (its index and `job_page` views), the kinds it starts and
    their names, and how a refusal is named there ("Not published", "Not posted")."""

    blueprint: str
    kind_names: dict[str, str]
    refused: str

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.kind_names)

    @property
    def status_names(self) -> dict[str, str]:
        return {**STATUS_NAMES, rows.REFUSED: self.refused}

    def url(self, job: Job) -> str:
        return url_for(f"{self.blueprint}.job_page", job_id=job.id)

    def names(self) -> dict[str, Any]:
        """What the templates need to show jobs."""
        return {
            "who": who,
            "status_names": self.status_names,
            "kind_names": self.kind_names,
            "job_url": self.url,
        }

    def start(self, kind: str, params: dict[str, Any], started: str) -> Any:
        """Ask the worker for a job (its audit entry is written when it ends, as its outcome)."""
        index = url_for(f"{self.blueprint}.index")
        with transaction():
            running = rows.unfinished(self.kinds)
            if running is not None:
                name = self.kind_names[running.kind]
                flash(f"{name} {running.id} is not finished yet: wait for it.", "error")
                return redirect(index, code=303)
            job = jobs.request(kind, params, g.user.id)
        flash(f"{started} (job {job.id}): its progress is below.", "success")
        return redirect(index + "#running", code=303)

    def page(self, job_id: int, template: str, section: str) -> Any:
        """One job with its whole log; JSON with `?format=json` (the page follows a job)."""
        with transaction():
            job = rows.get(job_id)
        if job is None or job.kind not in self.kinds:
            abort(404)
        if request.args.get("format") == "json":
            return jsonify(
                {"id": job.id, "status": job.status, "log": job.log, "finished": job.finished}
            )
        return render_page(template, admin_section=section, job=job, **self.names())
