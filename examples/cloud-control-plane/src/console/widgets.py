"""Page widgets."""


def render_usage(account: str) -> str:
    return f"<usage account={account!r}>"
