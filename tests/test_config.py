"""Configuration: secrets, database selection, cookie flags."""

from __future__ import annotations

import stat

import pytest

from workshop import create_app
from workshop.errors import ConfigError


def test_refuses_weak_secret_outside_tests(tmp_path):
    with pytest.raises(ConfigError, match="too weak"):
        create_app({"SECRET_KEY": "dev", "INSTANCE_PATH": str(tmp_path)})


def test_refuses_short_secret_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", "short-secret")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_generated_secret_is_persisted_privately(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_refuses_to_start_when_secret_cannot_be_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").mkdir()  # unreadable as a file
    with pytest.raises(ConfigError, match="cannot keep a generated one"):
        create_app({"INSTANCE_PATH": str(instance)})


def test_testing_app_requires_explicit_secret(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'workshop.db'}"


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_DATABASE_URL", "postgresql+psycopg://u@db.invalid/okr")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.invalid/okr"


def test_cookie_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_SECURE_COOKIES", "true")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_pragmas(app):
    from sqlalchemy import text

    from workshop.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_proxy_count_makes_rate_limits_see_the_real_client(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PROXY_COUNT": 1})
    seen = {}

    @app.get("/whoami")
    def whoami():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9",
                                              "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}


def test_hsts_only_when_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_SECURE_COOKIES", "true")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"})
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Referrer-Policy"] == "same-origin"
