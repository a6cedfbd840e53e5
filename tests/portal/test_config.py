"""Settings from the environment; a production start without SECRET_KEY is refused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.app.config import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_the_command_line_says_so_clearly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PORTAL_ENV")}
    result = subprocess.run([sys.executable, "-m", "portal.app.cli", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("PORTAL_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("PORTAL_SMTP_HOST", "mail.example.org")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite3")
    assert app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert app.config["PORTAL_SMTP_HOST"] == "mail.example.org"


def test_development_keeps_a_generated_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path), "PORTAL_ENV": "development"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "PORTAL_ENV": "development"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_dates_and_strings_format_outside_a_request(app):
    """`portal erase-person` and other commands run hooks that format dates: no request there."""
    from datetime import date

    from flask_babel import format_date, gettext

    with app.app_context():
        assert format_date(date(2026, 3, 8), "long").startswith("8 марта 2026")
        assert gettext("Sign in") == "Войти"
