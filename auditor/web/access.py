"""Who may do what: one check at the top of every view and API route.

``admin``: everything, the audit log included. ``board``: upload, run, see and download
every cell's results. ``cell`` (a cell's secretary): only that cell's results and members
(members.md), never a whole run's reports (they hold every cell).
"""

from __future__ import annotations

from fastapi import HTTPException

from auditor.web.db import User

RULES: dict[str, tuple[str, ...]] = {
    "runs:list": ("admin", "board", "cell"),
    "runs:create": ("admin", "board"),
    "run:view": ("admin", "board", "cell"),
    "run:cells": ("admin", "board", "cell"),
    "run:inputs": ("admin", "board"),
    "run:reports": ("admin", "board"),
    "run:rerun": ("admin", "board"),
    "cell:view": ("admin", "board", "cell"),
    "run:members": ("admin", "board", "cell"),
    "member:view": ("admin", "board", "cell"),
    "compare": ("admin", "board"),
    "audit:log": ("admin",),
}


class LoginNeeded(Exception):
    """No user: a page sends the browser to the login form, the API answers 401."""


def permit(user: User | None, action: str, cell_key: str | None = None) -> User:
    """The user, when ``user`` may do ``action`` (on the cell ``cell_key``); else 401/403."""
    if user is None:
        raise LoginNeeded()
    if user.role not in RULES[action]:
        raise HTTPException(403, "Bạn không có quyền làm việc này. / Not allowed.")
    if user.role == "cell" and cell_key is not None and cell_key != user.cell_id:
        raise HTTPException(403, "Bạn chỉ xem được chi bộ của mình. / Only your own cell.")
    return user
