"""deploy/Dockerfile and deploy/compose.yaml. No container engine runs here (and `docker compose`
is not installed), so they are read: each Engage service must run its systemd unit's command,
in an image laid out like the host the units describe, with the tested versions installed, and
nginx must get the shipped site file. The units' commands themselves are run by
tests/deploy/test_deploy_systemd.py."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from fixtures.nginx import SITE_CONF
from fixtures.units import (
    DEPLOY,
    ENV_EXAMPLE,
    UNITS,
    exec_start,
    parse_unit,
    plain_command,
    read_env_file,
)

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
ENGAGE = {name for name, service in SERVICES.items() if service.get("image") == "engage:latest"}
UNIT_FILES = sorted(UNITS.glob("*.service"))
# Which extra of pyproject.toml brings each program a service starts.
EXTRA_OF = {"gunicorn": "api", "flask": "api", "python": "crosspost", "invoke": "site"}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", re.sub(r"^\s*#.*\n", "", text, flags=re.MULTILINE))
    instructions = [
        tuple(line.strip().split(None, 1)) for line in text.splitlines() if line.strip()
    ]
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return [(word, rest) for word, rest in instructions[last_from:]]


def instruction(name: str) -> list[str]:
    return [rest for word, rest in dockerfile_instructions() if word == name]


def compose_name(unit: Path) -> str:
    return unit.stem.removeprefix("engage-")


@pytest.mark.parametrize("unit", UNIT_FILES, ids=compose_name)
def test_each_unit_has_a_service_running_its_command(unit: Path) -> None:
    service = SERVICES[compose_name(unit)]
    assert service["command"] == plain_command(exec_start(unit))
    assert compose_name(unit) in ENGAGE
    timed = unit.with_suffix(".timer").exists()
    if timed:  # started from the host's scheduler, as the timer starts the unit
        assert service["profiles"] == ["jobs"] and service["restart"] == "no"
    else:
        assert parse_unit(unit)["Service"]["Restart"] == [service["restart"]] == ["on-failure"]


def test_the_engage_services_read_the_environment_file_and_change_only_the_hosts() -> None:
    jobs = {"crosspost", "listen", "digest", "purge", "backup", "rebuild"}
    assert {"api", "worker", "migrate", *jobs} == ENGAGE
    assert {"api", "worker", "postgres", "redis", "nginx"} <= set(SERVICES)
    example = read_env_file(ENV_EXAMPLE)
    for name in ENGAGE:
        service = SERVICES[name]
        assert service["env_file"] == ["engage.env"], name
        assert set(service["environment"]) == {"DATABASE_URL", "ENGAGE_RATELIMIT_STORAGE"}
        assert set(service["environment"]) <= set(example)
        assert {"state:/var/lib/engage", "site:/var/www/engage"} <= set(service["volumes"])
    # The database is made by the README's own command before the API or worker starts.
    assert SERVICES["migrate"]["command"] == ["flask", "--app", "feedback_api", "db", "upgrade"]
    for name in ("api", "worker"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_nginx_runs_the_shipped_site_file_in_front_of_the_api() -> None:
    nginx = SERVICES["nginx"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in nginx["volumes"]}
    assert (DEPLOY / mounts["/etc/nginx/conf.d/default.conf"]).resolve() == SITE_CONF
    site_file = SITE_CONF.read_text(encoding="utf-8")
    for path in re.findall(
        r"^\s*(?:root|ssl_certificate|ssl_certificate_key) (\S+);", site_file, re.M
    ):
        if path != "/var/www/letsencrypt":  # certbot's webroot: a host's, not a container's
            assert path in mounts, path
    assert mounts["/var/www/engage"] == "site"
    # The site file's upstream, 127.0.0.1:8001, is the API's own loopback in its network.
    assert nginx["network_mode"] == "service:api"
    assert read_env_file(ENV_EXAMPLE)["ENGAGE_BIND"] == "127.0.0.1:8001"
    assert "    server 127.0.0.1:8001;" in site_file


def test_the_image_is_laid_out_like_the_host_with_the_tested_versions() -> None:
    api_unit = parse_unit(UNITS / "engage-api.service")["Service"]
    assert instruction("WORKDIR") == api_unit["WorkingDirectory"] == ["/opt/engage"]
    assert instruction("USER") == api_unit["User"] == ["engage"]
    assert json.loads(instruction("CMD")[0]) == SERVICES["api"]["command"]
    assert any(e.startswith("PATH=/opt/engage/.venv/bin:") for e in instruction("ENV")[0].split())
    installs = [shlex.split(run) for run in instruction("RUN") if "pip install" in run]
    assert len(installs) == 1
    words = installs[0]
    assert words[words.index("-c") + 1] == "requirements.lock"
    extras = set(next(w for w in words if w.startswith(".[")).strip(".[]").split(","))
    commands = [plain_command(exec_start(unit)) for unit in UNIT_FILES]
    needed = {next(EXTRA_OF[w] for w in command if w in EXTRA_OF) for command in commands}
    assert needed == {"api", "site", "crosspost"} and needed <= extras
    # What the rebuild runs besides Python: flock, rsync, and Node for the theme's Sass.
    apt = next(run for run in instruction("RUN") if "apt-get install" in run)
    assert {"rsync", "util-linux"} <= set(apt.split())
    assert "--from=assets /usr/local/bin/node /usr/local/bin/node" in instruction("COPY")


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = set((DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "node_modules", "output", "instance", ".cache"} <= ignored
    assert {"deploy/engage.env", "deploy/.env", "deploy/tls"} <= ignored
