"""The arithmetic of a course's ratings on the 1–5 scale, without Django (property-tested)."""

from decimal import ROUND_HALF_UP, Decimal

BEST = 5
WORST = 1
_ONE_DECIMAL = Decimal("0.1")


def rating_average(total: int, count: int) -> Decimal | None:
    """The mean of ``count`` ratings adding up to ``total``, to one decimal (half up), or None for none.

    Worked from the exact fraction, so 4.25 shows as 4.3 as a reader would round it, not as a float would.
    """
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def stars_filled(average: Decimal | None) -> int:
    """How many of the five stars to fill for an average: the nearest whole star, half up."""
    if average is None:
        return 0
    return int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP))
