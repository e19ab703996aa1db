"""Console pages call the API for everything."""

from cloud_api.usage import usage_page


def billing(token: str, account: str) -> str:
    return usage_page(token, account)
