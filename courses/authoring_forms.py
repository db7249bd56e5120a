"""Forms of the authoring pages: starting a course, inviting co-authors, crediting someone without an account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from p2pu.core.fields import OneLineTextField

from .licensing import LICENCE_CHOICES
from .models import CreditRole
from .validators import validate_web_url


class CourseStartForm(forms.Form):
    title = OneLineTextField(label=_("Course title"), max_length=255)
    summary = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences for the catalog card. You can change it later.",
    )
    licence = forms.ChoiceField(
        choices=LICENCE_CHOICES,
        help_text=(
            "The open licence you and your co-authors share the course under. Everyone credited accepts it "
            "before the course is published."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address", help_text="They do not need an account yet.")
    role = forms.ChoiceField(
        choices=CreditRole.choices,
        initial=CreditRole.AUTHOR,
        help_text="Maintainers can also invite and remove co-authors and approve each other's changes.",
    )


class ExternalCreditForm(forms.Form):
    name = OneLineTextField(
        max_length=200, help_text=_("Someone without an account here, e.g. the author of a source.")
    )
    url = forms.URLField(
        label="Web page",
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
        help_text="Their web page, if they have one.",
    )
    role = forms.ChoiceField(choices=CreditRole.choices, initial=CreditRole.AUTHOR)
