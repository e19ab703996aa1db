"""Prices, with discounts applied."""

from shop.data import repository
from shop.services.discounts import discount_for


class PriceList:
    def total_for(self, order: object) -> float:
        return 100.0 - discount_for(order)


def reprice_all() -> None:
    repository.save  # noqa: B018 - the example only needs the import
