"""Console sessions."""


def verify(session_id: str) -> bool:
    return session_id.startswith("s-")
