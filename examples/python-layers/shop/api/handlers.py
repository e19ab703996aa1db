"""The HTTP layer."""

from shop.services.orders import place


def post_order(payload: dict[str, float]) -> dict[str, int]:
    return {"id": place(payload).id}
