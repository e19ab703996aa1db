"""Token validation."""


def validate(token: str) -> bool:
    return bool(token)
