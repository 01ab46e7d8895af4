"""The theme's CSS and scripts are fingerprinted: every page links them by a name carrying the
SHA-256 of the file's content, which nginx keeps a year (deploy/nginx/engage.conf), and a name
changes when, and only when, its file does."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from fixtures.site import ROOT, run_pelican
from fixtures.sitepages import IMPORT, local_file, pages_with_refs

SITE = "http://127.0.0.1:8000"  # ENGAGE_SITE_URL in pelicanconf.py
HASHED = re.compile(r"\.(?P<hash>[0-9a-f]{12})\.(?:css|js)(?:\.map)?$")
SOURCE_MAP = re.compile(r"sourceMappingURL=(\S+)")
# What base.html links on every page.
LINKED = {
    "css/main.css",
    "nhsuk/nhsuk-frontend.min.js",
    "js/nhsuk-init.js",
    "js/engage.js",
    "js/comments.js",
}
RTL_CSS = "css/main.rtl.css"  # what a right-to-left page links in place of css/main.css


def assert_named_by_content(file: Path) -> None:
    """The file exists and its name's hash is the first 12 hex digits of its SHA-256."""
    assert file.is_file(), file
    named = HASHED.search(file.name)
    assert named, f"{file.name} is not fingerprinted"
    assert named["hash"] == hashlib.sha256(file.read_bytes()).hexdigest()[:12], file.name


def theme_files(address: str, base: str) -> bool:
    path = urlsplit(urljoin(base, address)).path
    return path.startswith("/theme/") and path.endswith((".css", ".js"))


def test_every_page_links_fingerprinted_files_that_exist(built_site: Path, manifest: dict) -> None:
    seen: set[str] = set()
    for path, base, refs in pages_with_refs(built_site, SITE):
        linked = [address for address in refs.fetched if theme_files(address, base)]
        where = path.relative_to(built_site)
        # A right-to-left page (Urdu) links the mirrored styles instead.
        rtl = 'dir="rtl"' in path.read_text(encoding="utf-8")[:500]
        wanted = [RTL_CSS if rtl and name == "css/main.css" else name for name in LINKED]
        assert {"/theme/" + manifest["assets"][name] for name in wanted} <= set(linked), where
        for address in linked:
            target = local_file(built_site, address, base, SITE)
            assert target is not None, f"{where}: {address}"
            assert_named_by_content(target)
            seen.add(target.relative_to(built_site / "theme").as_posix())
    scripts_and_styles = {v for v in manifest["assets"].values() if not v.endswith(".map")}
    assert seen == scripts_and_styles


def test_what_the_files_load_is_fingerprinted_too(built_site: Path, manifest: dict) -> None:
    """The NHS.UK script's source map and the module the init script imports, by their hashed
    names: a browser that has the script for a year gets the map and module that go with it."""
    theme = built_site / "theme"
    for plain, hashed in manifest["assets"].items():
        assert_named_by_content(theme / hashed)
        assert (theme / plain).is_file(), f"the plain {plain} is written too"
        if not hashed.endswith(".js"):
            continue
        text = (theme / hashed).read_text(encoding="utf-8")
        for address in IMPORT.findall(text) + SOURCE_MAP.findall(text):
            target = (theme / hashed).parent / address
            assert_named_by_content(target)
    init = (theme / manifest["assets"]["js/nhsuk-init.js"]).read_text(encoding="utf-8")
    assert IMPORT.findall(init) == ["../" + manifest["assets"]["nhsuk/nhsuk-frontend.min.js"]]
    script = (theme / manifest["assets"]["nhsuk/nhsuk-frontend.min.js"]).read_text("utf-8")
    mapped = manifest["assets"]["nhsuk/nhsuk-frontend.min.js.map"]
    assert SOURCE_MAP.findall(script) == [mapped.removeprefix("nhsuk/")]


@pytest.mark.browser
def test_a_browser_loads_them_and_the_components_start(page, site_url: str, manifest: dict) -> None:
    """Chromium fetches each file by its fingerprinted name, the styles apply, and the NHS.UK
    components start (the init module found the NHS.UK module under its hashed name)."""
    fetched: dict[str, int] = {}

    def seen(response: object) -> None:
        path = urlsplit(response.url).path
        if path.startswith("/theme/") and path.endswith((".css", ".js")):
            fetched[path] = response.status

    page.on("response", seen)
    page.goto(site_url + "/blog/winter-vaccines/")
    page.wait_for_selector(".nhsuk-header[data-nhsuk-header-init]")
    page.wait_for_load_state("networkidle")
    assert fetched == {"/theme/" + manifest["assets"][name]: 200 for name in LINKED}
    header = "getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor"
    assert page.evaluate(header) == "rgb(0, 94, 184)"  # NHS blue, from the stylesheet


def test_a_style_change_renames_the_css_alone_and_old_copies_go(
    tmp_path: Path, manifest: dict
) -> None:
    """A changed style is a new name (the scripts keep theirs), the copy from an earlier build is
    removed, and building again with unchanged styles reuses the compile and keeps the names."""
    scss = tmp_path / "scss"
    shutil.copytree(ROOT / "theme" / "scss", scss)
    with (scss / "_engage.scss").open("a", encoding="utf-8") as styles:
        styles.write("\n.engage-fingerprint-check { color: #d5281b; }\n")
    output, cache = tmp_path / "output", tmp_path / "cache"
    earlier = output / "theme" / "css" / "main.0123456789ab.css"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("an earlier build's styles", encoding="utf-8")

    def build() -> dict[str, str]:
        done = run_pelican(
            ROOT / "content", output, cache, settings={"ENGAGE_SCSS": str(scss / "main.scss")}
        )
        assert done.returncode == 0, done.log
        return json.loads((output / "engagement.json").read_text(encoding="utf-8"))["assets"]

    names = build()
    css, rtl = names["css/main.css"], names[RTL_CSS]
    assert css != manifest["assets"]["css/main.css"]
    assert rtl != manifest["assets"][RTL_CSS], "the mirrored styles follow"
    styles = ("css/main.css", RTL_CSS)
    assert {k: v for k, v in names.items() if k not in styles} == {
        k: v for k, v in manifest["assets"].items() if k not in styles
    }
    assert_named_by_content(output / "theme" / css)
    assert ".engage-fingerprint-check" in (output / "theme" / css).read_text(encoding="utf-8")
    assert sorted(p.name for p in (output / "theme" / "css").iterdir()) == sorted(
        ["main.css", css.removeprefix("css/"), "main.rtl.css", rtl.removeprefix("css/")]
    ), "earlier fingerprinted copies are removed"
    page = (output / "index.html").read_text(encoding="utf-8")
    assert f'href="/theme/{css}"' in page

    (compiled,) = [p for p in (cache / "engage").glob("main-*.css") if ".rtl." not in p.name]
    compiled_at = compiled.stat().st_mtime_ns
    assert build() == names
    assert compiled.stat().st_mtime_ns == compiled_at, "unchanged styles are not compiled again"
