"""Production password hashing strength."""

from __future__ import annotations

from workshop import create_app
from workshop.accounts import passwords


def test_production_hash_is_argon2id_with_64_mib(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    with app.app_context():
        hashed = passwords.hash_password("correct horse")
        assert hashed.startswith("$argon2id$")
        assert "m=65536,t=3,p=4" in hashed
        assert passwords.verify_password(hashed, "correct horse")
        assert not passwords.verify_password(hashed, "wrong horse")
        assert not passwords.verify_password("not-a-hash", "x")
