"""The systemd units and timers in deploy/systemd: systemd's own checks (`systemd-analyze verify`,
`security`, `calendar`; they need no running systemd), and every unit's command run as systemd
would run it, from its EnvironmentFile in a clean environment, on a stand-in of the host
(tests/fixtures/units.py) with a SQLite database: a typo in a command or a setting fails here."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from fixtures.servers import free_port
from fixtures.smtp import SMTPServer
from fixtures.units import (
    ENV_EXAMPLE,
    UNITS,
    StandInHost,
    exec_start,
    parse_unit,
    read_env_file,
    stand_in_host,
)

SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))
LONG_RUNNING = {"engage-api.service", "engage-worker.service"}
SECRET = "a-secret-for-the-deploy-tests-only-0123456789"


def systemd_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    if not shutil.which("systemd-analyze"):
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing (Debian's systemd package has it)")
        pytest.skip("systemd-analyze is missing")
    return subprocess.run(
        ["systemd-analyze", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, built_site: Path) -> StandInHost:
    """The host with its database made by the README's `db upgrade`, a moderator, and the
    sample site published where nginx would serve it."""
    root = tmp_path_factory.mktemp("host")
    host = stand_in_host(
        root,
        {
            "ENGAGE_SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{root / 'engage.db'}",
            "ENGAGE_RATELIMIT_STORAGE": "memory://",
            "ENGAGE_BIND": f"127.0.0.1:{free_port()}",
            "ENGAGE_WORKERS": "2",
        },
    )
    shutil.copytree(built_site, host.path("/var/www/engage"), dirs_exist_ok=True)
    flask = str(host.checkout / ".venv" / "bin" / "flask")
    run(host, [flask, "--app", "feedback_api", "db", "upgrade"])
    create = [flask, "--app", "feedback_api", "users", "create", "mod@example.nhs.uk"]
    run(host, [*create, "--role", "moderator", "--password-stdin"], stdin="a long passphrase 42\n")
    return host


def run(
    host: StandInHost, command: list[str], stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=host.checkout,
        env=env or host.environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_every_unit_passes_systemd_analyze_verify(host: StandInHost, tmp_path: Path) -> None:
    for unit in [*SERVICES, *TIMERS]:
        (tmp_path / unit.name).write_text(host.moved(unit.read_text(encoding="utf-8")))
    done = systemd_analyze("verify", *(str(tmp_path / u.name) for u in [*SERVICES, *TIMERS]))
    # verify only warns about unknown keys or bad values: any word from it is a failure.
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), (
        done.stdout + done.stderr
    )


@pytest.mark.parametrize("unit", SERVICES, ids=lambda path: path.name)
def test_each_service_is_sandboxed_and_reads_the_environment_file(unit: Path) -> None:
    service = parse_unit(unit)["Service"]
    for key, value in {
        "User": "engage",
        "WorkingDirectory": "/opt/engage",
        "EnvironmentFile": "/etc/engage/engage.env",
        "StateDirectory": "engage",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service.get(key) == [value], f"{unit.name}: {key}={value} expected"
    writable = " ".join(service["ReadWritePaths"]).split()
    assert "/var/lib/engage" in writable and "/opt/engage" not in writable
    if unit.name in LONG_RUNNING:
        assert service["Restart"] == ["on-failure"] and "Type" in service
        assert parse_unit(unit)["Install"]["WantedBy"] == ["multi-user.target"]
    else:
        assert service["Type"] == ["oneshot"] and "Restart" not in service
    # systemd's own score of what the service could do if it were taken over (0 to 10).
    done = systemd_analyze("security", "--offline=yes", "--threshold=20", str(unit))
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr


def test_each_timer_starts_its_oneshot_service_at_times_systemd_reads() -> None:
    timed = {timer.with_suffix(".service").name for timer in TIMERS}
    oneshots = {unit.name for unit in SERVICES} - LONG_RUNNING
    assert (
        timed
        == oneshots
        == {
            "engage-crosspost.service",
            "engage-listen.service",
            "engage-digest.service",
            "engage-purge.service",
            "engage-backup.service",
            "engage-rebuild.service",
        }
    )
    for timer in TIMERS:
        sections = parse_unit(timer)
        assert sections["Install"]["WantedBy"] == ["timers.target"], timer.name
        for calendar in sections["Timer"]["OnCalendar"]:
            done = systemd_analyze("calendar", calendar)
            assert done.returncode == 0, f"{timer.name}: {done.stderr}"
    listen = parse_unit(UNITS / "engage-listen.timer")["Timer"]
    # Replies and mentions reach the inbox within five minutes.
    assert listen["OnCalendar"] == ["*:0/5"] and listen["AccuracySec"] == ["30s"]
    rebuild = parse_unit(UNITS / "engage-rebuild.timer")["Timer"]
    # Consultations open and close by the day in the UK: rebuilt just after midnight there.
    assert rebuild["OnCalendar"] == ["*-*-* 00:05:00 Europe/London"]
    assert rebuild["Persistent"] == ["true"]


def test_the_worker_rebuilds_with_the_rebuild_units_command() -> None:
    example = read_env_file(ENV_EXAMPLE)
    assert example["ENGAGE_REBUILD_COMMAND"].split() == exec_start(UNITS / "engage-rebuild.service")


def notify_socket(folder: Path) -> socket.socket:
    """A datagram socket standing for systemd's NOTIFY_SOCKET."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(folder / "notify"))
    listener.settimeout(60)
    return listener


def test_the_api_unit_starts_says_it_is_ready_answers_and_stops(
    host: StandInHost, tmp_path: Path
) -> None:
    env = host.environment()
    listener = notify_socket(tmp_path)
    log = tmp_path / "api.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            host.command("engage-api.service"),
            cwd=host.checkout,
            env={**env, "NOTIFY_SOCKET": str(tmp_path / "notify")},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert b"READY=1" in listener.recv(1024)  # what Type=notify waits for
        assert process.poll() is None
        with urllib.request.urlopen(f"http://{env['ENGAGE_BIND']}/api/health") as answer:
            assert answer.status == 200
        process.send_signal(signal.SIGTERM)  # `systemctl stop`, KillMode=mixed
        assert process.wait(timeout=35) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        listener.close()
    access = [line for line in log.read_text().splitlines() if '"GET /api/health"' in line]
    assert access and all("127.0.0.1" not in line for line in access), access


def post_a_comment(host: StandInHost) -> None:
    """A reader's comment, waiting for moderation, in the host's database."""
    from feedback_api import create_app
    from feedback_api.storage.models import db

    env = host.environment()
    settings = ("DATABASE_URL", "ENGAGE_INSTANCE_PATH", "ENGAGE_MANIFEST", "ENGAGE_DIGEST")
    app = create_app(
        {name: env[name] for name in settings}
        | {"ENGAGE_SECRET_KEY": SECRET, "ENGAGE_SITE_DIR": ""}
    )
    page = "/blog/when-to-use-nhs-111/"
    posted = app.test_client().post("/api/comments", json={"page": page, "body": "For the digest."})
    assert posted.status_code == 202, posted.get_json()
    with app.app_context():
        db.engine.dispose()


def test_the_digest_unit_queues_and_the_worker_unit_delivers(host: StandInHost) -> None:
    post_a_comment(host)

    smtp = SMTPServer()
    try:
        mail = {"ENGAGE_SMTP_HOST": "127.0.0.1", "ENGAGE_SMTP_PORT": str(smtp.port)}
        env = {**host.environment(), **mail, "ENGAGE_SMTP_STARTTLS": "false"}
        queued = run(host, host.command("engage-digest.service"), env=env)
        assert "Digest queued: 1 item(s), for 1 moderator(s)." in queued.stdout
        worker = subprocess.Popen(
            host.command("engage-worker.service"),
            cwd=host.checkout,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not smtp.inbox.messages and time.monotonic() < deadline:
                assert worker.poll() is None, worker.stdout.read()
                time.sleep(0.1)
            assert smtp.inbox.to() == ["mod@example.nhs.uk"]
            worker.send_signal(signal.SIGTERM)  # it finishes what it holds, then exits
            assert worker.wait(timeout=60) == 0, worker.stdout.read()
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            worker.stdout.close()
    finally:
        smtp.stop()


def test_the_purge_unit_runs(host: StandInHost) -> None:
    run(host, host.command("engage-purge.service"))


def test_the_backup_unit_keeps_a_copy_of_the_database(host: StandInHost) -> None:
    """Its folder is made first (ExecStartPre), as on a new host; old copies are left to find."""
    service = parse_unit(UNITS / "engage-backup.service")["Service"]
    assert service["ExecStartPre"] == ["/usr/bin/mkdir -p /var/lib/engage/backups"]
    host.path("/var/lib/engage/backups").mkdir()
    done = run(host, host.command("engage-backup.service"))
    [copy] = host.path("/var/lib/engage/backups").glob("engage-*")
    assert copy.stat().st_size > 0 and oct(copy.stat().st_mode & 0o777) == "0o600", done.stdout
    assert "find /var/lib/engage/backups -name engage-* -mtime +14 -delete" in " ".join(
        service["ExecStartPost"]
    )


def test_the_crosspost_unit_reads_the_published_feed(host: StandInHost) -> None:
    done = run(host, host.command("engage-crosspost.service"))
    # The first run records what the feed already holds; no platform has credentials here.
    assert "First run" in done.stdout, done.stdout


def test_the_listen_unit_runs_with_no_platform_credentials(host: StandInHost) -> None:
    """It asks the cross-poster's ledger for our posts (a process of its own, which must start
    on the host), then finds no platform to listen to, and exits 0 so the timer stays green."""
    done = run(host, host.command("engage-listen.service"))
    assert "No platform has credentials set: nothing to listen to." in done.stdout, done.stdout
    assert "could not be read" not in done.stderr, done.stderr


def test_the_rebuild_unit_builds_and_publishes_the_site(host: StandInHost) -> None:
    published = host.path("/var/www/engage")
    (published / "stale.html").write_text("gone after a publish")
    done = run(host, host.command("engage-rebuild.service"))
    assert (published / "index.html").stat().st_mtime > time.time() - 300, done.stdout
    assert (published / "engagement.json").is_file()
    assert not (published / "stale.html").exists()
    # Built with publishconf.py: the public address from the environment file.
    assert "https://engage.example.nhs.uk/" in (published / "feeds" / "all.atom.xml").read_text()
