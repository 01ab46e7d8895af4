"""The Publish page's two jobs, run by the worker: "check" builds the whole site with the
production settings into a folder of its own (after pulling the content, when asked) and says
what would change and what is wrong; "publish" puts a clean check's build in place, in the
served folder and then at the target, and says where it went.

A check with content problems is refused with them listed (file, line, field, how to fix: the
command line's words); only the newest clean check can be published, so what is published is
what staff looked at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from contract.vocabulary import AuditAction
from feedback_api import jobs, signals
from feedback_api.jobs import JobLog, Outcome, Runner
from feedback_api.publishing import changes, checkout, site_build, sync
from feedback_api.publishing.places import Places, from_config
from feedback_api.storage import jobs as rows
from feedback_api.storage import transaction
from feedback_api.storage.models import Job

CHECK, PUBLISH = "check", "publish"
KINDS = (CHECK, PUBLISH)
# Check builds kept on disk: the newest few (publishing takes the newest clean one).
KEEP_CHECKS = 3
# An address no page has: a rebuild "of" it writes no page and leaves the cache warm.
WARM_ONLY = "/.engage-cache-warm/"


def init_app(app: Flask) -> None:
    jobs.register(app, CHECK, Runner(run_check, "Checking the content and building the site."))
    jobs.register(app, PUBLISH, Runner(run_publish, "Publishing the checked site."))


def places() -> Places:
    return from_config(current_app.config, current_app.instance_path)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def run_check(job: Job, log: JobLog) -> Outcome:
    here = places()
    if job.params.get("pull"):
        if checkout.latest_commit(here.content) is None:
            return _refused(f"{here.content} is not a git checkout, so there is nothing to pull.")
        if not checkout.pull(here.content, log, here.timeout):
            return _refused(f"The latest commit could not be pulled: {log.tail()}")
    commit = checkout.latest_commit(here.content)
    folder = here.builds / f"check-{job.id}"
    shutil.rmtree(folder, ignore_errors=True)
    site_build.snapshot(here.content, folder / "content")
    built = site_build.build(here, folder / "content", folder / "site", log, folder)
    if built.problems:
        count = len(built.problems)
        log.line(f"Refused: {plural(count, 'content problem')} to fix before publishing.")
        return Outcome(
            rows.REFUSED,
            {"problems": built.problems, "commit": commit, "reason": "content problems"},
            (AuditAction.SITE_CHECKED, f"check {job.id}", plural(count, "content problem")),
        )
    if not built.ok:
        return Outcome(rows.FAILED, {"reason": f"The build stopped: {log.tail()}"})
    staged = changes.read_manifest(folder / "site" / "engagement.json")
    found = changes.compare(changes.read_manifest(here.site / "engagement.json"), staged)
    _prune(here.builds, keep=job.id)
    summary = _summary(found)
    log.line(f"Done: {summary}.")
    if job.params.get("pull") and commit:
        summary += f"; content pulled to commit {commit['id']}"
    return Outcome(
        rows.DONE,
        {"changes": found, "commit": commit, "folder": str(folder / "site"), "problems": []},
        (AuditAction.SITE_CHECKED, f"check {job.id}", summary),
    )


def run_publish(job: Job, log: JobLog) -> Outcome:
    here = places()
    with transaction():
        check = rows.get(int(job.params.get("check", 0)))
        newest = rows.latest(CHECK)
    if check is None or check.status != rows.DONE or not check.result:
        return _refused("Check the site first: only a check without problems can be published.")
    if newest is not None and newest.id != check.id:
        return _refused("A newer check has been made since: publish that one.")
    folder = Path(check.result["folder"])
    if not (folder / "engagement.json").is_file():
        return _refused("The checked build is no longer there: check the site again.")
    if missing := sync.rsync_missing():
        return Outcome(rows.FAILED, {"reason": missing})
    log.line(f"Copying the site to {here.site}.")
    if not sync.mirror(folder, str(here.site), log, here.timeout):
        return Outcome(rows.FAILED, {"reason": f"Copying to {here.site} failed: {log.tail()}"})
    where = [str(here.site)]
    if here.target:
        log.line(f"Copying the site to {here.target}.")
        if not sync.mirror(here.site, here.target, log, here.timeout):
            reason = f"The site is in {here.site}, but copying it to {here.target} failed: "
            return Outcome(rows.FAILED, {"reason": reason + log.tail(), "where": where})
        where.append(here.target)
    # Page rebuilds after approvals read the content as published, warmed in Pelican's cache.
    site_build.snapshot(folder.parent / "content", here.published_content)
    log.line("Reading the published content once, so pages update quickly after approvals.")
    if not rebuild_pages(here, [], log).ok:
        log.line("That failed (the site is published): page updates may fail the same way.")
    found = check.result["changes"]
    detail = f"{_summary(found)}; from check {check.id} to {' and '.join(where)}"
    log.line(f"Published: {detail}.")
    announce_published(here.site / "engagement.json", log)
    return Outcome(
        rows.DONE,
        {"where": where, "changes": found, "commit": check.result.get("commit"), "check": check.id},
        (AuditAction.SITE_PUBLISHED, f"check {check.id}", detail),
    )


def announce_published(manifest: Path, log: JobLog) -> None:
    """Tell subscribers the site is published (commitment notices mail what changed in it). A
    failure there leaves the site published: it is logged, and the next publish or
    `notify commitments` tries again."""
    app = current_app._get_current_object()
    try:
        said = signals.site_published.send(app, manifest=manifest)
    except Exception as error:  # the publish itself is done whatever a subscriber meets
        app.logger.exception("After publishing, a notice failed")
        log.line(f"The site is published, but its notices failed ({error}): run them again.")
        return
    for _, lines in said:
        for line in lines or []:
            log.line(line)


def _refused(reason: str) -> Outcome:
    return Outcome(rows.REFUSED, {"reason": reason, "problems": []})


def _summary(found: dict[str, Any]) -> str:
    return (
        f"{plural(len(found['new']), 'new page')}, {plural(len(found['edited']), 'edited page')}, "
        f"{plural(len(found['removed']), 'removed page')}"
    )


def _prune(builds: Path, keep: int) -> None:
    """Remove all but the newest check builds (never the one just made)."""
    found = sorted(
        (int(path.name.split("-", 1)[1]), path)
        for path in builds.glob("check-*")
        if path.name.split("-", 1)[1].isdigit()
    )
    for number, path in found[:-KEEP_CHECKS]:
        if number != keep:
            shutil.rmtree(path, ignore_errors=True)


def rebuild_pages(here: Places, pages: list[str], log: JobLog) -> site_build.Built:
    """Write these pages again into the served site from the content as last published (the
    live content when nothing was published from the workspace yet); no pages: only read the
    content into the cache, so the next rebuild is quick."""
    content = here.published_content if here.published_content.is_dir() else here.content
    wanted = pages or [WARM_ONLY]
    return site_build.build(here, content, here.site, log, here.builds / "pages", pages=wanted)
