"""No page makes a reader's browser contact any host but the site's own: no fonts, scripts,
images, styles or embeds from elsewhere (YouTube loads only when the reader presses play)."""

from __future__ import annotations

from pathlib import Path

from fixtures.sitepages import CSS_URL, local_file, page_refs, pages_with_refs

SITE = "http://127.0.0.1:8000"


def test_pages_fetch_nothing_from_other_hosts(built_site: Path) -> None:
    foreign = []
    for path, base, refs in pages_with_refs(built_site, SITE):
        for address in refs.fetched + refs.form_actions:
            if (
                not address.startswith("data:")
                and local_file(built_site, address, base, SITE) is None
            ):
                foreign.append(f"{path.relative_to(built_site)}: {address}")
    assert not foreign, "\n".join(foreign)


def test_stylesheet_fetches_nothing_from_other_hosts(built_site: Path) -> None:
    css = (built_site / "theme/css/main.css").read_text(encoding="utf-8")
    base = f"{SITE}/theme/css/main.css"
    addresses = [a for a in CSS_URL.findall(css) if not a.startswith("data:")]
    assert addresses, "the stylesheet should use the theme's own icons"
    assert all(local_file(built_site, a, base, SITE) is not None for a in addresses)
    assert "@font-face" not in css, "no web font unless ENGAGE_NHS_FONT is on"


def test_the_collector_sees_foreign_resources() -> None:
    """The check above is only as good as its parser: it must catch every way of fetching."""
    html = (
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="//cdn.example/x.js"></script><img srcset="https://img.example/a.png 2x">'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>'
        '<div style="background:url(https://img.example/b.png)"></div>'
        "<script type=module>import {a} from 'https://cdn.example/m.js'</script>"
    )
    fetched = page_refs(html).fetched
    assert len(fetched) == 6
    assert all(local_file(Path("/x"), a, f"{SITE}/", SITE) is None for a in fetched)


def test_the_nhs_font_is_only_loaded_when_switched_on(tmp_path: Path) -> None:
    from fixtures.site import ROOT, run_pelican

    build = run_pelican(
        ROOT / "content", tmp_path / "out", tmp_path / "cache", "-e", "ENGAGE_NHS_FONT=true"
    )
    assert build.returncode == 0, build.log
    css = (build.output / "theme/css/main.css").read_text(encoding="utf-8")
    assert "@font-face" in css and "Frutiger" in css
