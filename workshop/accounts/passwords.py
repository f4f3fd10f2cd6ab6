"""Password hashing with argon2id (argon2-cffi); cost parameters come from the config."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=int(cfg["PASSWORD_TIME_COST"]),
        memory_cost=int(cfg["PASSWORD_MEMORY_KIB"]),
        parallelism=int(cfg["PASSWORD_PARALLELISM"]),
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def burn_time(password: str) -> None:
    """Spend the cost of one verification so unknown emails take as long as wrong passwords."""
    _hasher().hash(password)
