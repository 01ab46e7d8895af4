"""deploy/gunicorn.conf.py: every name in it is a gunicorn setting (gunicorn ignores a misspelt
one without a word), where it listens and how many workers come from the environment file's
ENGAGE_BIND and ENGAGE_WORKERS, and neither the access log nor gunicorn itself trusts what a
client says. Running it in front of nginx is tests/deploy/test_deploy_nginx.py's part."""

from __future__ import annotations

import runpy
from types import ModuleType

import pytest
from gunicorn.config import Config

from fixtures.units import DEPLOY, ENV_EXAMPLE, read_env_file

CONF = DEPLOY / "gunicorn.conf.py"


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    """The file's settings as gunicorn reads them, with `env` in the environment."""
    for name in ("ENGAGE_BIND", "ENGAGE_WORKERS", "ENGAGE_LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name.startswith("__") or callable(value) or isinstance(value, ModuleType):
            continue
        config.set(name, value)  # AttributeError for a name gunicorn does not know
    return config


def test_where_it_listens_and_how_many_workers_come_from_the_environment(monkeypatch) -> None:
    example = read_env_file(ENV_EXAMPLE)
    assert settings(monkeypatch).bind == [example["ENGAGE_BIND"]]
    assert settings(monkeypatch).workers == int(example["ENGAGE_WORKERS"])
    chosen = settings(monkeypatch, ENGAGE_BIND="0.0.0.0:9000,[::1]:9000", ENGAGE_WORKERS="3")
    assert chosen.bind == ["0.0.0.0:9000", "[::1]:9000"] and chosen.workers == 3


def test_no_client_address_is_logged_or_believed_by_gunicorn(monkeypatch) -> None:
    config = settings(monkeypatch)
    atoms = set(config.access_log_format.replace(")s", " ").split("%(")[1:])
    assert {atom.split()[0] for atom in atoms} == {"t", "p", "m", "U", "s", "B", "M"}
    assert config.accesslog == "-" and config.errorlog == "-"  # to the journal
    # Forwarded headers are the API's ProxyFix's alone (ENGAGE_TRUSTED_PROXIES).
    assert config.forwarded_allow_ips == [] and config.proxy_allow_ips == []
    # A stopping worker gets to finish before systemd gives up on it (TimeoutStopSec=35).
    assert config.timeout == 30 and config.graceful_timeout < 35


def test_json_logs_when_the_api_logs_json(monkeypatch) -> None:
    assert not settings(monkeypatch).logconfig_dict
    config = settings(monkeypatch, ENGAGE_LOG_FORMAT="json")
    formatters = config.logconfig_dict["formatters"]
    assert formatters["json"]["()"] == "feedback_api.operations.logs.JsonLines"
