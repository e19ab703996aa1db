"""Session checks."""

from __future__ import annotations

from auth.tokens import validate
from console.sessions import verify  # auth asks the console whether a session is live


def session_ok(token: str, session_id: str) -> bool:
    return validate(token) and verify(session_id)
