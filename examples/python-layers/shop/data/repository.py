"""Where orders are kept."""

from shop.domain.models import Order

_ORDERS: dict[int, Order] = {}


def save(order: Order) -> None:
    _ORDERS[order.id] = order
