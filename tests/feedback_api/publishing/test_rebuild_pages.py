"""After an approval, the worker rebuilds only the pages that changed (ENGAGE_REBUILD_PAGES):
readers without JavaScript see the comment within a minute, and no other page is written."""

from __future__ import annotations

from fixtures.outbox import deliver

PAGE = "/blog/winter-vaccines/"
OTHER = "/blog/when-to-use-nhs-111/"


def published(desk, **settings):
    """A desk whose site was published from the workspace (so the worker's cache is warm)."""
    from feedback_api import jobs
    from feedback_api.storage import jobs as rows
    from feedback_api.storage import transaction

    here = desk(**{"ENGAGE_REBUILD_PAGES": True, "ENGAGE_REBUILD_DELAY_SECONDS": 0, **settings})
    with here.app.app_context():
        with transaction():
            check = jobs.request("check", {}, None)
        deliver(here.app)
        with transaction():
            jobs.request("publish", {"check": check.id}, None)
        deliver(here.app)
        with transaction():
            assert rows.latest("publish").status == "done"
    return here


def approve(here, page: str, body: str) -> None:
    posted = here.app.test_client().post("/api/comments", json={"page": page, "body": body})
    assert posted.status_code == 202, posted.get_json()
    done = here.app.test_cli_runner().invoke(
        args=["comments", "approve", str(posted.get_json()["id"])]
    )
    assert done.exit_code == 0, done.output


def due_now(here) -> None:
    """The waiting rebuild falls due now (rather than after its delay)."""
    from feedback_api.storage import outbox as rows
    from feedback_api.storage.models import db

    with here.app.app_context():
        waiting = rows.waiting("rebuild")
        waiting.due = waiting.created
        db.session.commit()


def html(folder, page: str) -> str:
    return (folder / page.strip("/") / "index.html").read_text(encoding="utf-8")


def test_an_approved_comment_reaches_the_page_and_its_copy_and_nothing_else_is_written(
    desk,
) -> None:
    here = published(desk)
    other, feed = here.site / OTHER.strip("/") / "index.html", here.site / "feeds" / "all.atom.xml"
    before = {path: path.stat().st_mtime_ns for path in (other, feed)}
    approve(here, PAGE, "The walk-in centre gave me my flu jab in ten minutes.")
    with here.app.app_context():
        from feedback_api.storage import outbox as rows

        assert rows.waiting("rebuild").payload["pages"] == [PAGE]
    assert deliver(here.app).delivered == 1

    for folder in (here.site, here.target):
        assert "flu jab in ten minutes" in html(folder, PAGE)
    assert {path: path.stat().st_mtime_ns for path in (other, feed)} == before
    assert "flu jab in ten minutes" not in html(here.site, OTHER)


def test_approvals_on_two_pages_share_one_rebuild_of_both(desk) -> None:
    here = published(desk, ENGAGE_REBUILD_DELAY_SECONDS=60)
    approve(here, PAGE, "First comment, on vaccines.")
    approve(here, OTHER, "Second comment, on 111.")
    with here.app.app_context():
        from feedback_api.storage import outbox as rows

        assert rows.waiting("rebuild").payload["pages"] == [PAGE, OTHER]
    due_now(here)
    assert deliver(here.app).delivered == 1
    assert "First comment, on vaccines." in html(here.target, PAGE)
    assert "Second comment, on 111." in html(here.target, OTHER)


def test_a_rebuild_waits_while_a_workspace_job_uses_the_folders(desk) -> None:
    from feedback_api.jobs import one_at_a_time

    here = published(desk)
    approve(here, PAGE, "Waiting for the check to finish.")
    with here.app.app_context(), one_at_a_time() as free:
        assert free
        tally = deliver(here.app)
    assert (tally.delivered, tally.retrying, tally.failed) == (0, 1, 0)
    with here.app.app_context():
        from feedback_api.storage import outbox as rows

        waiting = rows.waiting("rebuild")
        assert waiting.attempts == 0  # waiting is not a failed attempt


def test_the_daily_rebuilds_lock_holds_the_worker_back(desk, tmp_path) -> None:
    """engage-rebuild.service runs `flock FILE invoke publish`; the worker waits for FILE."""
    import fcntl

    lock = tmp_path / "rebuild.lock"
    here = published(desk, ENGAGE_BUILD_LOCK=str(lock))
    approve(here, PAGE, "After the daily rebuild.")
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as `flock FILE invoke publish` holds it
        assert deliver(here.app).retrying == 1
    due_now(here)
    assert deliver(here.app).delivered == 1
    assert "After the daily rebuild." in html(here.site, PAGE)


def test_a_worker_on_a_host_without_the_content_leaves_builds_to_the_one_with_it(desk) -> None:
    here = published(desk)
    approve(here, PAGE, "Built on the build host.")
    from feedback_api.outbox.worker import Worker

    here.app.config["ENGAGE_BUILD_HOST"] = False
    with here.app.app_context():
        assert Worker(here.app).deliver_due().delivered == 0
    here.app.config["ENGAGE_BUILD_HOST"] = True
    assert deliver(here.app).delivered == 1


def test_a_rebuild_after_an_approval_never_publishes_unchecked_edits(new_post, desk) -> None:
    """Pages are rebuilt from the content as published, not as editors have it now."""
    import json

    here = published(desk)
    source = here.content / "posts" / "winter-vaccines.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nAn edit nobody has checked.\n")
    (here.content / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    approve(here, PAGE, "Approved after the edit.")
    assert deliver(here.app).delivered == 1
    for folder in (here.site, here.target):
        shown = html(folder, PAGE)
        assert "Approved after the edit." in shown
        assert "An edit nobody has checked." not in shown
        manifest = json.loads((folder / "engagement.json").read_text(encoding="utf-8"))
        assert "/blog/pharmacy-christmas/" not in {page["url"] for page in manifest["pages"]}
