"""The theme's front-end assets: Sass compiled from nhsuk-frontend's source, JS and images copied.

Compiling starts in a background process as soon as Pelican starts, so it overlaps with reading
content, and its result is cached by a hash of everything that goes into it: a rebuild with
unchanged styles costs nothing. Nothing is loaded from a CDN and nothing generated is committed.

A right-to-left copy of the CSS is made from the compiled one with rtlcss, the maintained tool
Bootstrap and WordPress use, rather than mirrored rules kept by hand: nhsuk-frontend has none.

The CSS and JavaScript are written twice: under their plain names and fingerprinted
(`fingerprint`), and pages link the fingerprinted ones, so a server can keep them a year. The
names must be known before the first page is written, so the build waits for the compile once
content is read (`compiled()`) rather than at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from engagement.output.fingerprint import Fingerprinted, fingerprint
from engagement.problems import ContentError

# Pelican's THEME_STATIC_DIR, which the templates' addresses (/theme/…) assume.
THEME_OUTPUT = Path("theme")
CSS_NAME = "css/main.css"
# The same styles mirrored for right-to-left pages (Urdu, Arabic) by rtlcss: left becomes right
# in every NHS.UK component, so radios, lists and breadcrumbs read from the right.
RTL_CSS_NAME = "css/main.rtl.css"
NHSUK_NAME = "nhsuk"
NHSUK_DIST = Path("nhsuk-frontend/dist/nhsuk")
NHSUK_SCRIPTS = ("nhsuk-frontend.min.js", "nhsuk-frontend.min.js.map")
# What is fingerprinted among the theme's static files (Pelican copies them under plain names).
FINGERPRINTED_SUFFIXES = (".css", ".js", ".map")
SASS_TIMEOUT_SECONDS = 180


class ThemeAssets:
    """One build's asset work: `start()` when Pelican starts, `compiled()` once content is read
    (the names pages link), `finish(output)` when it ends."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.node_modules = Path(settings["ENGAGE_NODE_MODULES"]).resolve()
        self.scss = Path(settings["ENGAGE_SCSS"]).resolve()
        self.font = bool(settings["ENGAGE_NHS_FONT"])
        self.cache = Path(settings["CACHE_PATH"]).resolve() / "engage"
        self.static = [Path(settings["THEME"]) / path for path in settings["THEME_STATIC_PATHS"]]
        self.process: subprocess.Popen[bytes] | None = None
        self.css: Path | None = None
        self.fingerprinted: Fingerprinted | None = None

    def start(self) -> None:
        """Begin compiling the CSS unless an identical compile is cached."""
        self._require_packages()
        self.cache.mkdir(parents=True, exist_ok=True)
        self.css = self.cache / f"main-{self._fingerprint()}.css"
        if self.css.exists() and self._rtl(self.css).exists():
            return
        entry = self.cache / f"entry-font-{str(self.font).lower()}.scss"
        entry.write_text(
            f'@use "main" with ($engage-include-font-face: {str(self.font).lower()});\n'
        )
        node = shutil.which("node")
        if node is None:
            raise ContentError(
                "theme: Node.js is needed to compile the styles: install Node.js 20 or later, "
                "then run `make setup`."
            )
        self.process = subprocess.Popen(
            [
                node,
                str(self.node_modules / "sass" / "sass.js"),
                "--quiet",
                "--no-source-map",
                "--style=compressed",
                f"--load-path={self.scss.parent}",
                f"--load-path={self.node_modules}",
                str(entry),
                str(self.css.with_suffix(".tmp")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Pelican's own work is the critical path; the compile fills the idle core.
            preexec_fn=_lower_priority,
        )

    def compiled(self) -> dict[str, str]:
        """Wait for the compile and name the CSS and scripts by their content: each plain name
        under theme/ (`css/main.css`) and the name pages link (`css/main.<hash>.css`)."""
        return self._named().names if self.css is not None else {}

    def finish(self, output: Path) -> None:
        """Put the CSS and NHS.UK scripts into the output under both names, and the images."""
        if self.css is None:
            return
        named = self._named()
        theme = output / THEME_OUTPUT
        _copy_if_changed(self.css, theme / CSS_NAME)
        _copy_if_changed(self._rtl(self.css), theme / RTL_CSS_NAME)
        dist = self.node_modules / NHSUK_DIST
        for name in NHSUK_SCRIPTS:
            _copy_if_changed(dist / name, theme / NHSUK_NAME / name)
        for source in sorted((dist / "assets").rglob("*")):
            if source.is_file():
                _copy_if_changed(
                    source, theme / NHSUK_NAME / "assets" / source.relative_to(dist / "assets")
                )
        # Pelican has copied the theme's own scripts under their plain names.
        named.write(theme)

    def _named(self) -> Fingerprinted:
        """The fingerprinted files, once the compile has finished (worked out once a build)."""
        if self.fingerprinted is None:
            css = self._wait_for_compile()
            self.fingerprinted = fingerprint(self._sources(css))
        return self.fingerprinted

    def _wait_for_compile(self) -> Path:
        assert self.css is not None, "start() comes first"
        if self.process is not None:
            try:
                _, errors = self.process.communicate(timeout=SASS_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise ContentError(
                    "theme: compiling the styles took too long and was stopped."
                ) from None
            if self.process.returncode != 0:
                message = errors.decode("utf-8", "replace").strip()
                raise ContentError(f"theme: the styles did not compile:\n{message}")
            self._mirror(self.css.with_suffix(".tmp"))
            self.css.with_suffix(".tmp").replace(self.css)
            self.process = None
            for stale in self.cache.glob("main-*"):  # earlier compiles of other styles
                if stale not in (self.css, self._rtl(self.css)):
                    stale.unlink(missing_ok=True)
        return self.css

    @staticmethod
    def _rtl(css: Path) -> Path:
        return css.with_name(css.name.replace(".css", ".rtl.css"))

    def _mirror(self, compiled: Path) -> None:
        """Write the right-to-left copy of a finished compile beside where it will be kept."""
        assert self.css is not None
        done = subprocess.run(
            [
                shutil.which("node") or "node",
                str(self.node_modules / "rtlcss" / "bin" / "rtlcss.js"),
                "--silent",
                str(compiled),
                str(self._rtl(self.css)),
            ],
            capture_output=True,
            timeout=SASS_TIMEOUT_SECONDS,
        )
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise ContentError(f"theme: the right-to-left styles could not be made:\n{message}")

    def _sources(self, css: Path) -> dict[str, Path]:
        """The files to fingerprint, by their names under theme/ in the output."""
        dist = self.node_modules / NHSUK_DIST
        sources = {
            CSS_NAME: css,
            RTL_CSS_NAME: self._rtl(css),
            **{f"{NHSUK_NAME}/{name}": dist / name for name in NHSUK_SCRIPTS},
        }
        for folder in self.static:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and path.suffix in FINGERPRINTED_SUFFIXES:
                        sources[path.relative_to(folder).as_posix()] = path
        return sources

    def _require_packages(self) -> None:
        for needed in (
            self.node_modules / NHSUK_DIST,
            self.node_modules / "sass" / "sass.js",
            self.node_modules / "rtlcss" / "bin" / "rtlcss.js",
        ):
            if not needed.exists():
                raise ContentError(
                    f"theme: {needed} is missing: the front-end packages are not installed. "
                    "Run `make setup` (or `npm ci`)."
                )
        if not self.scss.is_file():
            raise ContentError(
                f"theme: the styles' entry point {self.scss} is missing (ENGAGE_SCSS)."
            )

    def _fingerprint(self) -> str:
        """A hash of the Sass sources, the package versions and the font switch."""
        digest = hashlib.sha256()
        for package in ("nhsuk-frontend", "sass", "rtlcss"):
            manifest = json.loads((self.node_modules / package / "package.json").read_text())
            digest.update(f"{package}@{manifest['version']}\n".encode())
        digest.update(f"font={self.font}\n".encode())
        for path in sorted(self.scss.parent.rglob("*.scss")):
            digest.update(path.relative_to(self.scss.parent).as_posix().encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def _lower_priority() -> None:
    os.nice(10)


def _copy_if_changed(source: Path, target: Path) -> None:
    stat = source.stat()
    if target.exists():
        existing = target.stat()
        if existing.st_size == stat.st_size and int(existing.st_mtime) == int(stat.st_mtime):
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
