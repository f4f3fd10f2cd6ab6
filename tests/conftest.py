"""Shared fixtures: an app per database backend, clients, users, sign-in and form posts."""

from __future__ import annotations

import os
import re
import shutil
import uuid

import pytest
import sqlalchemy as sa
from servers import CHROMIUM, CHROMIUM_ARGS, require_service

from workshop import create_app
from workshop.extensions import db

PASSWORD = "correct-horse-battery"
# Cheap argon2id parameters for speed; production defaults are checked in test_passwords.
FAST_HASH = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 8, "PASSWORD_PARALLELISM": 1}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


def postgres_base_url() -> str:
    url = os.environ.get("WORKSHOP_TEST_DATABASE_URL")
    if not url:
        require_service("WORKSHOP_TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a private schema in the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = postgres_base_url()
    schema = "t_" + uuid.uuid4().hex[:16]
    engine = sa.create_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        require_service(f"PostgreSQL at {base} is not reachable: {exc.orig}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SOCKETIO_ASYNC_MODE": "threading",
        **FAST_HASH,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user: ``make_user("coach", email=...)``; returns its id and email."""
    from workshop.accounts import services

    counter = iter(range(1, 10_000))

    def make(*roles: str, email: str | None = None, name: str | None = None,
             password: str = PASSWORD, is_active: bool = True):
        n = next(counter)
        email = email or f"{'-'.join(roles) or 'user'}{n}@example.org"
        with app.app_context():
            user = services.create_user(email, name or f"User {n}", password, roles,
                                        is_active=is_active)
            db.session.commit()
            return {"id": user.id, "email": user.email, "password": password}

    return make


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def csrf_token():
    """Extract the CSRF token from a page's HTML."""
    return csrf_token_from


@pytest.fixture
def post_form(client):
    """Load a form page like a browser, then post it with the page's CSRF token."""

    def post(url: str, data: dict, *, page: str | None = None, **kwargs):
        html = client.get(page or url).get_data(as_text=True)
        return client.post(url, data={"csrf_token": csrf_token_from(html), **data}, **kwargs)

    return post


@pytest.fixture
def login(client, post_form):
    def do_login(user: dict):
        response = post_form("/login", {"email": user["email"], "password": user["password"]})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (it cannot download its own browser here)."""
    if not shutil.which(CHROMIUM):
        require_service(f"{CHROMIUM} is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
