"""Settings: safe defaults, then ``WORKSHOP_*`` environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from workshop.errors import ConfigError

MIN_SECRET_LENGTH = 32
_WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "test"}


class Defaults:
    """Every setting the app reads; each may be overridden by ``WORKSHOP_<NAME>``."""

    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    SECRET_KEY: str | None = None  # None: generated once and kept in instance/secret_key
    SECURE_COOKIES = False  # True when served over HTTPS (adds the Secure cookie flag)
    PROXY_COUNT = 0  # reverse proxies in front that set X-Forwarded-For/-Proto/-Host
    SOCKETIO_ASYNC_MODE = "gevent"
    SOCKETIO_MESSAGE_QUEUE: str | None = None  # redis://... to share rooms between workers
    SOCKETIO_CHANNEL = "okr-workshop"  # Redis pub/sub channel shared by the workers
    SOCKETIO_MAX_MESSAGE_BYTES = 16 * 1024
    REDIS_URL: str | None = None  # rate-limit counters; falls back to the message queue
    SOCKETIO_ALLOWED_ORIGINS: str | None = None  # comma-separated; default: own origin only
    PASSWORD_TIME_COST = 3  # argon2id, RFC 9106 second recommended option
    PASSWORD_MEMORY_KIB = 64 * 1024
    PASSWORD_PARALLELISM = 4
    SETUP_TOKEN_FILE = "setup-token"
    MIGRATIONS_DIR: str | None = None  # defaults to ./migrations beside the package
    LOG_LEVEL = "INFO"
    PUBLIC_URL: str | None = None  # e.g. https://okr.example.org; printed in certificates
    CERTIFICATE_PROGRAMME = "OKR Workshop coach programme"
    LIVE_BROADCAST_INTERVAL = 0.15  # seconds between coalesced room updates; 0: at once
    LIVE_EVENT_BURST = 30  # events one connection may send at once ...
    LIVE_EVENT_RATE = 10.0  # ... and per second after that
    LIVE_FLOOD_STRIKES = 50  # refused events in a row before the connection is closed


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` and refuse to start with an unusable secret or database URL."""
    for name, value in vars(Defaults).items():
        if name.isupper():
            app.config.setdefault(name, value)
    app.config.from_prefixed_env("WORKSHOP")
    if overrides:
        app.config.update(overrides)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "workshop.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    app.config["SECRET_KEY"] = _secret_key(app)
    secure = bool(app.config["SECURE_COOKIES"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PREFERRED_URL_SCHEME="https" if secure else "http",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )


def _secret_key(app: Flask) -> str:
    key = app.config.get("SECRET_KEY")
    if key:
        if app.testing:
            return str(key)
        key = str(key)
        if len(key) < MIN_SECRET_LENGTH or key.lower() in _WEAK_SECRETS:
            raise ConfigError(
                f"WORKSHOP_SECRET_KEY is too weak: use at least {MIN_SECRET_LENGTH} random "
                'characters, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )
        return key
    if app.testing:
        raise ConfigError("tests must pass SECRET_KEY explicitly")
    path = Path(app.instance_path) / "secret_key"
    try:
        if path.exists():
            key = path.read_text(encoding="utf-8").strip()
        else:
            key = secrets.token_hex(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(key)
    except OSError as exc:
        raise ConfigError(
            f"no WORKSHOP_SECRET_KEY set and cannot keep a generated one in {path}: {exc}"
        ) from exc
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{path} holds a secret shorter than {MIN_SECRET_LENGTH} characters")
    return key
