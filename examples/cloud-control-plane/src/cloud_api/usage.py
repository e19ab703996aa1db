"""Usage pages served by the API for the console's billing view."""

from auth.tokens import validate
from console.widgets import render_usage  # the API reaches back up into console code


def usage_page(token: str, account: str) -> str:
    validate(token)
    return render_usage(account)
