"""Request shapes."""


class OrderSchema:
    @staticmethod
    def total(payload: dict[str, float]) -> float:
        return float(payload.get("total", 0))
