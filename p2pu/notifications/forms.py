import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kinds import ALL_KINDS, Frequency, Kind

ALL_EMAIL_FIELD = "all_email"
ALL_EMAIL_CHOICES = [
    (Frequency.IMMEDIATELY, gettext_lazy("As chosen for each kind below")),
    (Frequency.DAILY, gettext_lazy("At most one daily digest")),
    (Frequency.OFF, gettext_lazy("None: pause all notification e-mail")),
]


class PreferencesForm(forms.Form):
    """One select per kind of notification, plus one that caps them all."""

    def __init__(self, *args, kinds: list[Kind], chosen: dict[str, str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        digest_time = dt.time(settings.NOTIFICATION_DIGEST_HOUR)
        self.fields[ALL_EMAIL_FIELD] = forms.ChoiceField(
            label=_("All notification e-mail"),
            choices=ALL_EMAIL_CHOICES,
            initial=chosen.get(ALL_KINDS, Frequency.IMMEDIATELY),
            help_text=_("The daily digest arrives soon after %(time)s in your time zone.")
            % {"time": f"{digest_time:%H:%M}"},
        )
        self.kind_fields = []
        for kind in kinds:
            self.fields[kind.slug] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=chosen.get(kind.slug, kind.default),
                help_text=kind.description,
            )
            self.kind_fields.append(kind.slug)

    def frequencies(self) -> dict[str, str]:
        """The choices by kind, ``*`` for the all-e-mail cap."""
        chosen = {slug: self.cleaned_data[slug] for slug in self.kind_fields}
        chosen[ALL_KINDS] = self.cleaned_data[ALL_EMAIL_FIELD]
        return chosen
