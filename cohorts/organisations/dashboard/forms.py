"""The dashboard's period: two dates, read from the query string."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The longest period one page shows (a month per chart bar: five years is sixty bars).
MAX_PERIOD = dt.timedelta(days=5 * 366)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months up to ``today``: this month so far and the eleven whole months before it."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To (inclusive)"), widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The period must end on or after the day it starts."), code="order")
            if end - start > MAX_PERIOD:
                raise ValidationError(_("Choose a period of at most five years."), code="too_long")
        return data
