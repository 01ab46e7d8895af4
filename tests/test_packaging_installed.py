"""An installed package works: a fresh virtual environment outside the checkout, the wheel
installed, gives a working API (without Pelican) and the commands."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from fixtures.packaging import (
    API_CHECK,
    NOT_FOR_THE_API,
    PAGE,
    run,
)
from fixtures.site import ROOT


def test_the_installed_commands_work(venv: Path, api_env: dict[str, str], tmp_path: Path) -> None:
    bin_folder = venv / "bin"
    api = run([str(bin_folder / "engage-api"), "--help"], cwd=tmp_path, env=api_env)
    assert "Usage: engage-api" in api.stdout
    for command in ("db", "routes", "comments", "users"):
        assert f"  {command} " in api.stdout, api.stdout
    crosspost = run([str(bin_folder / "engage-crosspost"), "--help"], cwd=tmp_path, env=api_env)
    assert "--post" in crosspost.stdout
    module = run(
        [str(bin_folder / "python"), "-m", "crosspost", "--help"], cwd=tmp_path, env=api_env
    )
    assert "--post" in module.stdout


def test_an_installed_api_migrates_and_renders_its_pages_without_pelican(
    venv: Path, api_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**api_env, "PACKAGING_TEST_BLOCK": ",".join(NOT_FOR_THE_API)}
    refused = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import pelican"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1 and "blocked" in refused.stderr  # the block itself works
    run([str(venv / "bin" / "engage-api"), "db", "upgrade"], cwd=tmp_path, env=env)
    script = tmp_path / "api_check.py"
    script.write_text(API_CHECK, encoding="utf-8")
    done = run(
        [str(venv / "bin" / "python"), str(script), str(venv), str(ROOT), PAGE],
        cwd=tmp_path,
        env=env,
    )
    seen = json.loads(done.stdout.splitlines()[-1])

    assert Path(seen["instance"]) == tmp_path / "instance"
    assert (tmp_path / "instance" / "engage.db").is_file()
    status, html = seen["sign_in"]
    assert status == 200
    assert 'class="nhsuk-header' in html and "Packaging Test ICB" in html
    assert "Sign in" in html
    status, html = seen["form_again"]  # the no-JavaScript form, again with the error summary
    assert status == 400
    assert "nhsuk-error-summary" in html and "Installed from a wheel" in html
    assert seen["posted"][0] == 303 and "/api/comments/received" in seen["posted"][1]
    status, html = seen["not_found"]
    assert status == 404 and 'class="nhsuk-header' in html
    assert seen["health"][0] == 200
    assert seen["openapi"][0] == 200 and "/api/comments" in seen["openapi"][1]
    assert not set(NOT_FOR_THE_API) & set(seen["loaded"])


def test_an_installed_api_keeps_its_instance_in_the_current_folder(
    venv: Path, api_env: dict[str, str], tmp_path: Path
) -> None:
    env = {name: value for name, value in api_env.items() if name != "ENGAGE_INSTANCE_PATH"}
    work = tmp_path / "work"
    work.mkdir()
    check = textwrap.dedent(
        """
        import feedback_api
        print(feedback_api.create_app().instance_path)
        """
    )
    done = run([str(venv / "bin" / "python"), "-c", check], cwd=work, env=env)
    assert Path(done.stdout.strip()) == work / "instance"
    assert (work / "instance" / "secret_key").is_file()
    assert not list(venv.rglob("instance"))
