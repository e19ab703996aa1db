"""Orders and prices as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # typing-only: an annotation, never imported at run time, so it closes no cycle
    from shop.services.pricing import PriceList


@dataclass
class Order:
    id: int
    total: float

    def priced(self, prices: PriceList) -> float:
        return prices.total_for(self)
