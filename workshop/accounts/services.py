"""Every change to users and roles, and authentication."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from pathlib import Path

from sqlalchemy import func, select

from workshop import ratelimit
from workshop.accounts import passwords
from workshop.accounts.models import ROLES, User, UserRole
from workshop.db import utcnow
from workshop.errors import Conflict, Forbidden, NotFound, WorkshopError
from workshop.extensions import db

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
LOGIN_BY_EMAIL = ratelimit.Limit("login-email", 10, 15 * 60)
LOGIN_BY_IP = ratelimit.Limit("login-ip", 50, 15 * 60)


class InvalidInput(WorkshopError):
    code = "invalid_input"


class InvalidCredentials(WorkshopError):
    code = "invalid_credentials"
    status = 401


class EmailTaken(Conflict):
    code = "email_taken"


class LastAdmin(Conflict):
    code = "last_admin"


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed email; raises InvalidInput when it does not look like one."""
    value = (email or "").strip().lower()
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise InvalidInput("Enter a valid email address, like name@example.org.", field="email")
    return value


def _clean_name(display_name: str) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        raise InvalidInput("Enter a display name.", field="display_name")
    if len(name) > 100:
        raise InvalidInput("The display name can have at most 100 characters.",
                           field="display_name")
    if any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in name):
        raise InvalidInput("The display name contains control characters.", field="display_name")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.",
                           field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"Use a password of at most {MAX_PASSWORD_LENGTH} characters.",
                           field="password")


def _check_roles(roles) -> list[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput(f"Unknown role(s): {', '.join(unknown)}. Known: {', '.join(ROLES)}.",
                           field="roles")
    return sorted(set(roles))


def get_user(user_id: int) -> User:
    """Raises NotFound for an unknown id."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.display_name, User.id)))


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def create_user(email: str, display_name: str, password: str, roles=(), *,
                is_active: bool = True) -> User:
    """Add a user with the given roles.

    Raises InvalidInput for a bad email, name, password or role, EmailTaken for a used email.
    """
    email = normalise_email(email)
    name = _clean_name(display_name)
    _check_password(password)
    role_list = _check_roles(roles)
    if find_user_by_email(email) is not None:
        raise EmailTaken("A user with this email already exists.", field="email")
    user = User(email=email, display_name=name, is_active=is_active,
                password_hash=passwords.hash_password(password))
    user.role_rows = [UserRole(role=r) for r in role_list]
    db.session.add(user)
    db.session.flush()
    logger.info("user %s created with roles %s", user.id, role_list)
    return user


def _active_admin_ids() -> set[int]:
    rows = db.session.scalars(
        select(User.id).join(UserRole).where(UserRole.role == "admin", User.is_active.is_(True))
    )
    return set(rows)


def update_user(
    user: User,
    *,
    actor: User,
    email: str,
    display_name: str,
    roles,
    is_active: bool,
    new_password: str | None = None,
) -> User:
    """Edit a user's details, roles and active flag.

    Raises InvalidInput, EmailTaken, or LastAdmin when the change would leave no active admin
    (or an admin would lock themselves out).
    """
    email = normalise_email(email)
    name = _clean_name(display_name)
    role_list = _check_roles(roles)
    if new_password:
        _check_password(new_password)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise EmailTaken("A user with this email already exists.", field="email")
    will_be_admin = "admin" in role_list and is_active
    if user.id == actor.id and not will_be_admin:
        raise LastAdmin("You cannot remove your own admin role or deactivate yourself; "
                        "ask another admin.")
    if not will_be_admin and _active_admin_ids() <= {user.id}:
        raise LastAdmin("At least one active admin must remain.")

    user.email = email
    user.display_name = name
    user.is_active = is_active
    current = {row.role: row for row in user.role_rows}
    user.role_rows = [current.get(r) or UserRole(role=r) for r in role_list]
    if new_password:
        user.password_hash = passwords.hash_password(new_password)
    db.session.flush()
    logger.info("user %s updated by %s: roles %s active %s", user.id, actor.id, role_list,
                is_active)
    return user


def set_roles(user: User, roles) -> User:
    """Replace a user's roles (CLI use). Raises InvalidInput for unknown roles."""
    role_list = _check_roles(roles)
    current = {row.role: row for row in user.role_rows}
    user.role_rows = [current.get(r) or UserRole(role=r) for r in role_list]
    db.session.flush()
    return user


def authenticate(email: str, password: str, *, client_ip: str) -> User:
    """Return the active user with these credentials.

    Raises RateLimited after too many attempts, InvalidCredentials otherwise (the same message
    whether the email is unknown, the password wrong or the account deactivated).
    """
    key = (email or "").strip().lower()[:254]
    ratelimit.check(LOGIN_BY_IP, client_ip, "Too many sign-in attempts from this network.")
    ratelimit.check(LOGIN_BY_EMAIL, key, "Too many sign-in attempts for this account.")
    user = find_user_by_email(key) if key else None
    if user is None:
        passwords.burn_time(password or "")
        raise InvalidCredentials("Email or password is not right.")
    if not passwords.verify_password(user.password_hash, password or "") or not user.is_active:
        raise InvalidCredentials("Email or password is not right.")
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    ratelimit.reset(LOGIN_BY_EMAIL, key)
    db.session.flush()
    logger.info("user %s signed in", user.id)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Raises InvalidCredentials for a wrong current password, InvalidInput for a weak one."""
    if not passwords.verify_password(user.password_hash, current_password or ""):
        raise InvalidCredentials("Your current password is not right.", field="current_password")
    _check_password(new_password)
    user.password_hash = passwords.hash_password(new_password)
    db.session.flush()
    logger.info("user %s changed their password", user.id)


# First run: a one-time link that lets the first person create the first admin account.

def _token_path(instance_path: str, filename: str) -> Path:
    return Path(instance_path) / filename


def issue_setup_token(instance_path: str, filename: str) -> str | None:
    """A fresh one-time setup token when no user exists yet, else None (only its hash is kept)."""
    if count_users() > 0:
        _token_path(instance_path, filename).unlink(missing_ok=True)
        return None
    token = secrets.token_urlsafe(24)
    digest = hashlib.sha256(token.encode()).hexdigest()
    _token_path(instance_path, filename).write_text(digest, encoding="utf-8")
    return token


def setup_token_valid(instance_path: str, filename: str, token: str) -> bool:
    path = _token_path(instance_path, filename)
    if count_users() > 0 or not path.exists():
        return False
    digest = hashlib.sha256((token or "").encode()).hexdigest()
    return hmac.compare_digest(path.read_text(encoding="utf-8").strip(), digest)


def complete_setup(instance_path: str, filename: str, token: str, *, email: str,
                   display_name: str, password: str) -> User:
    """Create the first admin with the one-time token, which is then spent.

    Raises Forbidden when the token is wrong or already used, InvalidInput for bad details.
    """
    if not setup_token_valid(instance_path, filename, token):
        raise Forbidden("This setup link is no longer valid. Restart the server for a new one.")
    return create_user(email, display_name, password, roles=ROLES)


def discard_setup_token(instance_path: str, filename: str) -> None:
    """Remove the spent token file (call after the first admin is committed)."""
    _token_path(instance_path, filename).unlink(missing_ok=True)
