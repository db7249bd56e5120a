"""The five stars of a rating, for course pages (shown beside the words that say the same)."""

from decimal import Decimal

from django import template

from cohorts.ratings.scale import BEST, stars_filled

register = template.Library()


@register.filter
def stars(value) -> str:
    """``★★★★☆`` for 4 (or an average of 3.5 to 4.4): decoration, hidden from screen readers."""
    filled = stars_filled(Decimal(value)) if value is not None else 0
    return "★" * filled + "☆" * (BEST - filled)
