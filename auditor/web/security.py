"""Passwords, sessions, Bearer tokens, CSRF tokens and the login rate limit.

Secrets are kept only as hashes: argon2 for passwords, sha256 for the random session and
API tokens (they carry 256 bits of randomness, so a slow hash would add nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from auditor.web.db import ROLES, Session, Token, User, now

SESSION_HOURS = 12
_hasher = PasswordHasher()
#: Checked against when the user name is unknown, so a wrong name costs as long as a
#: wrong password (no telling which names exist by the time taken).
_DUMMY_HASH = _hasher.hash("not a password")


class UserError(ValueError):
    """A user cannot be made as asked; the message is Vietnamese then English."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(db: DbSession, name: str, role: str, password: str, cell: str | None) -> User:
    name = name.strip()
    if not name or len(name) > 100:
        raise UserError("Tên người dùng phải có 1-100 ký tự. / The name must be 1-100 chars.")
    if role not in ROLES:
        raise UserError(
            f"Vai trò phải là một trong {', '.join(ROLES)}. / Role must be one of {ROLES}."
        )
    if role == "cell" and not cell:
        raise UserError(
            "Người dùng vai trò cell cần --cell MÃ_CHI_BỘ. / A cell user needs --cell ID."
        )
    if role != "cell" and cell:
        raise UserError("Chỉ vai trò cell mới có --cell. / Only a cell user has --cell.")
    if len(password) < 8:
        raise UserError("Mật khẩu cần ít nhất 8 ký tự. / The password needs 8+ characters.")
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise UserError(f"Đã có người dùng {name}. / User {name} already exists.")
    user = User(
        name=name,
        role=role,
        cell_id=cell_key(cell) if cell else None,
        password_hash=_hasher.hash(password),
    )
    db.add(user)
    db.flush()
    return user


def cell_key(cell_id: str) -> str:
    """A cell id as the importer compares them: no case, no inner spaces."""
    return "".join(cell_id.split()).upper()


def check_password(db: DbSession, name: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.name == name))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def new_token(db: DbSession, user: User) -> str:
    token = "cba_" + secrets.token_urlsafe(32)
    db.add(Token(user_id=user.id, token_sha256=digest(token)))
    db.flush()
    return token


def user_for_token(db: DbSession, token: str) -> User | None:
    row = db.scalar(select(Token).where(Token.token_sha256 == digest(token)))
    return db.get(User, row.user_id) if row else None


def open_session(db: DbSession, user: User) -> tuple[str, str]:
    """A new login: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    db.execute(delete(Session).where(Session.expires_at < now()))
    db.add(
        Session(
            token_sha256=digest(token),
            user_id=user.id,
            csrf=csrf,
            expires_at=now() + dt.timedelta(hours=SESSION_HOURS),
        )
    )
    db.flush()
    return token, csrf


def session_for(db: DbSession, token: str) -> tuple[User, Session] | None:
    row = db.get(Session, digest(token))
    if row is None or row.expires_at < now():
        return None
    user = db.get(User, row.user_id)
    return (user, row) if user else None


def close_session(db: DbSession, token: str) -> None:
    db.execute(delete(Session).where(Session.token_sha256 == digest(token)))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimit:
    """At most ``attempts`` failed logins per key (user name, client address) in
    ``window`` seconds. Kept in memory: the server is one process."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] < at - self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> float:
        """Seconds until a login may be tried again (0 when it may now)."""
        at = time.monotonic()
        with self._lock:
            waits = [
                failures[0] + self.window - at
                for failures in (self._recent(k, at) for k in keys)
                if len(failures) >= self.attempts
            ]
        return max(waits, default=0.0)

    def fail(self, *keys: str) -> None:
        at = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, at).append(at)
            if len(self._failures) > 10_000:  # forget idle keys rather than grow
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def clear(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
