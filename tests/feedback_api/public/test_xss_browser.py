"""The public XSS corpus (payloadbox, MIT; tests/data/xss) as comment bodies, authors and page
fields: stored and rendered output carries no executable markup, and in Chromium, with every
payload approved and shown by the widget, none of them runs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from feedback_api.storage.models import Comment, Page, db
from fixtures.site import ROOT

CORPUS = ROOT / "tests/data/xss/payloadbox-xss-payload-list.txt"
PAGE = "/blog/winter-vaccines/"


def payloads() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if line.strip()]


def approve_everything(app) -> int:
    with app.app_context():
        db.session.execute(update(Comment).values(status="approved"))
        count = db.session.scalar(select(func.count()).select_from(Comment))
        db.session.execute(update(Page).values(approved_count=count, version=Page.version + 1))
        db.session.commit()
        return count


@pytest.mark.browser
def test_no_payload_runs_in_the_browser(app, live_url, page) -> None:
    client = app.test_client()
    corpus = payloads()
    for payload in corpus:
        answer = client.post(
            "/api/comments",
            json={"page": PAGE, "body": payload, "author": payload[:80].strip() or "x"},
        )
        assert answer.status_code == 202, (payload, answer.json)
    assert approve_everything(app) == len(corpus)
    listing = client.get(f"/api/comments?page={PAGE}").json
    assert listing["count"] == len(corpus)

    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page.add_init_script(
        "window.__xss = []; ['alert','prompt','confirm','print'].forEach(n => {"
        " const f = window[n]; window[n] = (...a) => { window.__xss.push(n); }; });"
    )
    page.goto(f"{live_url}{PAGE}")
    page.wait_for_function(
        # a function, not an expression: Playwright evaluates an expression with eval, which
        # the page's Content-Security-Policy rightly refuses
        "() => document.querySelectorAll('[data-engage-comments] li').length >= 1000",
        timeout=60_000,
    )
    page.mouse.move(200, 200)
    page.keyboard.press("Tab")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") == []
    assert fired == []
    executable = page.evaluate(
        """() => {
          const FORBIDDEN = ['SCRIPT', 'IFRAME', 'IMG', 'SVG', 'OBJECT', 'EMBED', 'STYLE', 'FORM'];
          const list = document.querySelector('[data-engage-comments]');
          const bad = [];
          for (const el of list.querySelectorAll('*')) {
            const tag = el.tagName.toUpperCase();
            if (FORBIDDEN.includes(tag)) bad.push(tag);
            for (const attr of el.attributes) {
              if (attr.name.startsWith('on')) bad.push(el.tagName + '[' + attr.name + ']');
              const unsafe = attr.name === 'href' && !/^(https?:|mailto:)/i.test(attr.value);
              if (unsafe) bad.push('href ' + attr.value);
            }
          }
          return bad.slice(0, 20);
        }"""
    )
    assert executable == []
    assert not [url for url in page.foreign_requests if "127.0.0.1" not in url]


def test_payloads_as_the_page_field_are_refused_and_escaped(client) -> None:
    for payload in payloads()[::25]:
        as_json = client.post("/api/comments", json={"page": payload, "body": "x"})
        assert as_json.status_code in (400, 404)
        as_form = client.post("/api/comments", data={"page": payload, "body": "x"})
        assert as_form.status_code in (400, 404)
        html = as_form.get_data(as_text=True)
        if "<" in payload:
            assert payload not in html, "a reflected page field must be escaped"
