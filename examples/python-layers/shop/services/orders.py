"""Placing orders."""

from shop.api.schemas import OrderSchema  # upward: services must not depend on api
from shop.data.repository import save
from shop.domain.models import Order


def place(payload: dict[str, float]) -> Order:
    order = Order(id=int(payload["id"]), total=OrderSchema.total(payload))
    save(order)
    return order
