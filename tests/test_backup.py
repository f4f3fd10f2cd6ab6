"""``workshop backup`` and ``restore`` of the embedded SQLite database."""

from __future__ import annotations

import sqlite3

import pytest
from flask_migrate import upgrade

from workshop import create_app
from workshop.accounts import services
from workshop.commands import backup_command, restore_command
from workshop.extensions import db


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path / "i"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
                      "PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_KIB": 8,
                      "PASSWORD_PARALLELISM": 1})
    with app.app_context():
        upgrade()
        services.create_user("first@example.org", "First", "first-password", ["admin"])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _emails(app):
    with app.app_context():
        return sorted(u.email for u in services.list_users())


def test_backup_then_restore_brings_back_the_data(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    copy = tmp_path / "copy.db"
    result = runner.invoke(backup_command, ["--output", str(copy)])
    assert result.exit_code == 0 and "Backed up" in result.output
    with sqlite_app.app_context():
        services.create_user("later@example.org", "Later", "later-password", ["coach"])
        db.session.commit()
    assert _emails(sqlite_app) == ["first@example.org", "later@example.org"]
    refused = runner.invoke(restore_command, [str(copy)], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert _emails(sqlite_app) == ["first@example.org", "later@example.org"]
    restored = runner.invoke(restore_command, [str(copy), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _emails(sqlite_app) == ["first@example.org"]


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(restore_command, [str(junk), "--yes"])
    assert result.exit_code == 1 and "not an OKR Workshop database" in result.output
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    result = runner.invoke(restore_command, [str(empty), "--yes"])
    assert result.exit_code == 1 and "not an OKR Workshop database" in result.output
    assert _emails(sqlite_app) == ["first@example.org"]


def test_backup_is_refused_for_postgresql(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(backup_command, [])
    assert result.exit_code == 1 and "pg_dump" in result.output
