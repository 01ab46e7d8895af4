"""Publishing from the workspace: a check builds the editors' content with the real Pelican in
the worker and says, by title, what would change and what must be fixed; Publish puts that build
in the served folder and the target with the real rsync, and the audit log says who did it."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

from feedback_api.storage import jobs as jobs_rows
from fixtures.outbox import deliver


def page(client, path: str = "/admin/publish") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def start(client, what: str, **form: str):
    return client.post(f"/admin/publish/{what}", data={"csrf_token": client.token, **form})


def check_id(html: str) -> str:
    return re.search(r'name="check" value="(\d+)"', html).group(1)


def test_a_check_lists_new_edited_and_removed_pages_by_title_then_publish_puts_them_in_place(
    new_post,
    desk,
) -> None:
    here = desk()
    (here.content / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    edited = here.content / "posts" / "winter-vaccines.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nBook by 1 December.\n")
    (here.content / "posts" / "heatwave-and-hay-fever.md").unlink()
    client = here.sign_in("publisher")

    asked = start(client, "check")
    assert asked.status_code == 303
    waiting = page(client)
    assert "Waiting for the worker" in waiting and "Publish 3 changes" not in waiting
    assert deliver(here.app).delivered == 1

    checked = page(client)
    assert "New pages (1)" in checked and "Pharmacy opening hours over Christmas" in checked
    assert "Edited pages (1)" in checked and "Winter vaccines: who can get them" in checked
    assert "Removed pages (1)" in checked and "Staying well in hot weather" in checked
    assert "posts/pharmacy-christmas.md" in checked
    assert "Publish 3 changes" in checked
    # Nothing reached readers yet.
    assert not (here.site / "blog" / "pharmacy-christmas").exists()
    assert not here.target.exists()

    assert start(client, "publish", check=check_id(checked)).status_code == 303
    assert deliver(here.app).delivered == 1
    done = page(client)
    assert f"to {here.site} and {here.target}" in done
    # Commitment notices look at the site just published (a first run: nothing mailed).
    with here.app.app_context():
        log = jobs_rows.latest("publish").log
    assert "First run for /consultations/millbrook-maternity-services/" in log

    for folder in (here.site, here.target):
        new_page = folder / "blog" / "pharmacy-christmas" / "index.html"
        assert "Which pharmacies are open" in new_page.read_text(encoding="utf-8")
        assert not (folder / "blog" / "heatwave-and-hay-fever").exists()
        manifest = json.loads((folder / "engagement.json").read_text(encoding="utf-8"))
        assert manifest["site"]["url"] == "https://www.example-icb.nhs.uk"
    # The API serves the new manifest (it looks at the file at most once a second): the new
    # post takes comments.
    time.sleep(1.1)
    posted = here.app.test_client().post(
        "/api/comments", json={"page": "/blog/pharmacy-christmas/", "body": "Is Boots open?"}
    )
    assert posted.status_code == 202, posted.get_json()

    audit = page(here.sign_in("admin"), "/admin/audit")
    assert "site published" in audit
    assert "1 new page, 1 edited page, 1 removed page" in audit
    assert "A publisher" in audit or "publisher@example.nhs.uk" in audit


def test_content_problems_are_listed_in_plain_words_and_nothing_can_be_published(
    new_post, desk
) -> None:
    here = desk()
    broken = new_post.replace("Category: News", "Category: Newz")
    (here.content / "posts" / "pharmacy-christmas.md").write_text(broken, encoding="utf-8")
    before = (here.site / "engagement.json").read_bytes()
    client = here.sign_in("publisher")
    start(client, "check")
    deliver(here.app)

    html = page(client)
    assert "Not ready to publish: 1 thing to fix" in html
    assert "posts/pharmacy-christmas.md" in html and ", line 3" in html
    assert "(Category)" in html and "News" in html  # the fix the command line suggests
    assert "Traceback" not in html
    assert 'name="check"' not in html  # no Publish button

    job = re.search(r"/admin/publish/jobs/(\d+)", html).group(1)
    refused = start(client, "publish", check=job)
    assert "Only the newest check, without problems" in page(client)
    assert refused.status_code == 303
    assert deliver(here.app).delivered == 0
    assert (here.site / "engagement.json").read_bytes() == before


def test_one_job_at_a_time_and_an_old_check_is_not_published(desk) -> None:
    here = desk()
    client = here.sign_in("admin")
    start(client, "check")
    start(client, "check")
    html = page(client)
    assert "Check 1 is not finished yet: wait for it." in html
    assert deliver(here.app).delivered == 1
    first = check_id(page(client))
    start(client, "check")
    deliver(here.app)
    start(client, "publish", check=first)
    assert "Only the newest check" in page(client)


def test_edits_after_a_check_ask_for_another(new_post, desk) -> None:
    here = desk()
    client = here.sign_in("publisher")
    start(client, "check")
    deliver(here.app)
    assert 'name="check"' in page(client)
    (here.content / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    html = page(client)
    assert "changed after the last check: check again" in html
    assert 'name="check"' not in html


def test_only_publishers_and_administrators_publish(desk) -> None:
    here = desk()
    moderator = here.sign_in("moderator")
    assert moderator.get("/admin/publish").status_code == 403
    assert start(moderator, "check").status_code == 403
    assert here.app.test_client().get("/admin/publish").status_code == 302
    publisher = here.sign_in("publisher")
    assert "Publish</a>" in page(publisher, "/admin/")
    assert "Staff accounts" not in page(publisher, "/admin/")
    assert publisher.get("/admin/users").status_code == 403
    # A forged form without the session's token is refused.
    assert publisher.post("/admin/publish/check", data={}).status_code == 400


def git(folder: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "Editor",
            "GIT_AUTHOR_EMAIL": "editor@example.nhs.uk",
            "GIT_COMMITTER_NAME": "Editor",
            "GIT_COMMITTER_EMAIL": "editor@example.nhs.uk",
            "HOME": str(folder),
            "PATH": "/usr/bin:/bin",
        },
    )
    return done.stdout.strip()


def test_a_content_checkout_shows_its_latest_commit_and_is_pulled_first(
    new_post, desk, tmp_path
) -> None:
    here = desk()
    upstream, editor = tmp_path / "upstream.git", tmp_path / "editor"
    git(here.content, "init", "-q", "-b", "main")
    git(here.content, "add", ".")
    git(here.content, "commit", "-q", "-m", "The sample content")
    git(tmp_path, "clone", "-q", "--bare", str(here.content), str(upstream))
    git(here.content, "remote", "add", "origin", str(upstream))
    git(here.content, "fetch", "-q", "origin")
    git(here.content, "branch", "-q", "--set-upstream-to=origin/main")
    git(tmp_path, "clone", "-q", str(upstream), str(editor))
    (editor / "posts" / "pharmacy-christmas.md").write_text(new_post, encoding="utf-8")
    git(editor, "add", ".")
    git(editor, "commit", "-q", "-m", "Christmas pharmacy hours")
    git(editor, "push", "-q", "origin", "main")

    client = here.sign_in("publisher")
    html = page(client)
    assert "“The sample content” by Editor" in html and "pulls from origin/main" in html
    start(client, "check", pull="yes")
    deliver(here.app)
    html = page(client)
    assert "“Christmas pharmacy hours” by Editor" in html
    assert "Pharmacy opening hours over Christmas" in html
    assert (here.content / "posts" / "pharmacy-christmas.md").exists()


def test_a_worker_stopped_mid_job_leaves_it_to_the_next_which_runs_it_again(desk) -> None:
    from feedback_api.storage import jobs as rows
    from feedback_api.storage import transaction

    here = desk()
    client = here.sign_in("publisher")
    start(client, "check")
    with here.app.app_context(), transaction():
        job = rows.latest("check")
        rows.started(job.id, "Started.")  # as a worker that was then killed left it
    deliver(here.app)
    with here.app.app_context(), transaction():
        job = rows.get(job.id)
        assert job.status == "done"
        assert "Started again: the worker doing it stopped." in job.log


def test_hostile_forms_and_addresses_are_refused_with_nothing_started(desk) -> None:
    here = desk()
    client = here.sign_in("publisher")
    for check in ("", "0", "-1", "1.5", "²", "\u0661", "9" * 5000, "1 OR 1=1", "<b>1</b>"):
        assert start(client, "publish", check=check).status_code == 303
    assert "Only the newest check" in page(client)
    for job in ("99999999999999999999", "0", "abc"):
        assert client.get(f"/admin/publish/jobs/{job}").status_code == 404
    assert client.get("/admin/publish/jobs/1?format=json").status_code == 404
    assert deliver(here.app).delivered == 0


def test_what_an_editor_wrote_is_shown_as_text_never_as_markup(new_post, desk) -> None:
    here = desk()
    hostile = new_post.replace(
        "Title: Pharmacy opening hours over Christmas",
        'Title: Opening <img src=x onerror="alert(1)"> hours',
    ).replace("Category: News", "Category: <script>alert(2)</script>")
    (here.content / "posts" / "x<script>y.md").write_text(hostile, encoding="utf-8")
    client = here.sign_in("publisher")
    start(client, "check")
    deliver(here.app)
    html = page(client)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "x&lt;script&gt;y.md" in html
    log = page(client, re.search(r'href="(/admin/publish/jobs/\d+)"', html).group(1))
    assert "<script>alert" not in log
