"""The API's own pages are pages of the site: they link the theme's CSS and scripts by the
fingerprinted names in the build's manifest, the very files the built pages link; with a
manifest from before fingerprinting, the plain names, which the build still writes."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from fixtures.sitepages import page_refs

ARTICLE = "/blog/winter-vaccines/"
HASHED = re.compile(r"\.(?P<hash>[0-9a-f]{12})\.(?:css|js)$")
# Linked by the search page alone (its own page and the API's /api/search), not every page.
SEARCH_SCRIPT = "js/search.js"


def theme_links(html: str) -> list[str]:
    """The theme's CSS and scripts a page loads, in order."""
    return [
        address
        for address in page_refs(html).fetched
        if address.startswith("/theme/") and address.endswith((".css", ".js"))
    ]


def api_pages(client) -> dict[str, str]:
    """Pages the API renders itself: a thank-you page, the form again with errors, sign-in."""
    pages = {
        "received": client.get(f"/api/comments/received?page={ARTICLE}"),
        "form again": client.post("/api/comments", data={"page": ARTICLE, "body": ""}),
        "sign-in": client.get("/admin/sign-in"),
    }
    for name, answer in pages.items():
        assert answer.mimetype == "text/html" and b"<html" in answer.data, name
    return {name: answer.get_data(as_text=True) for name, answer in pages.items()}


def test_api_pages_link_the_fingerprinted_files_the_site_does(
    client, built_site: Path, manifest: dict
) -> None:
    built = theme_links((built_site / ARTICLE.strip("/") / "index.html").read_text("utf-8"))
    assert built and all(HASHED.search(address) for address in built)
    for name, html in api_pages(client).items():
        assert theme_links(html) == built, name
    search = client.get("/api/search?q=care").get_data(as_text=True)
    assert theme_links(search) == [*built, "/theme/" + manifest["assets"][SEARCH_SCRIPT]]
    for address in built:
        content = (built_site / address.lstrip("/")).read_bytes()
        assert HASHED.search(address)["hash"] == hashlib.sha256(content).hexdigest()[:12]
        assert client.get(address).status_code == 200, address  # ENGAGE_SITE_DIR serves them


def test_with_a_manifest_from_before_fingerprinting_the_plain_names(
    make_app, built_site: Path, manifest: dict, tmp_path: Path
) -> None:
    """An API started on an older build's manifest links the plain files; once a build writes
    the names, the API's pages take them up without a restart (the manifest is re-read)."""
    path = tmp_path / "site" / "engagement.json"
    path.parent.mkdir()
    older = {name: value for name, value in manifest.items() if name != "assets"}
    path.write_text(json.dumps(older), encoding="utf-8")
    client = make_app(ENGAGE_MANIFEST=str(path)).test_client()
    plain = {
        "/theme/" + name
        for name in manifest["assets"]
        # the mirrored styles are linked by right-to-left pages only
        if not name.endswith(".map") and name not in (SEARCH_SCRIPT, "css/main.rtl.css")
    }
    for name, html in api_pages(client).items():
        assert set(theme_links(html)) == plain, name
    assert all((built_site / address.lstrip("/")).is_file() for address in plain)

    path.write_text(json.dumps(manifest), encoding="utf-8")
    hashed = {
        "/theme/" + hashed
        for name, hashed in manifest["assets"].items()
        if hashed.endswith(".js") and name != SEARCH_SCRIPT
    }
    deadline = time.monotonic() + 5  # the API looks at the file at most once a second
    while True:
        links = set(theme_links(api_pages(client)["received"]))
        if hashed <= links or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert hashed <= links
