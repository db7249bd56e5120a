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
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences for the catalog card. You can change it later."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=LICENCE_CHOICES,
        help_text=_(
            "The open licence you and your co-authors share the course under. Everyone credited accepts it "
            "before the course is published."
        ),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), help_text=_("They do not need an account yet."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CreditRole.choices,
        initial=CreditRole.AUTHOR,
        help_text=_("Maintainers can also invite and remove co-authors and approve each other's changes."),
    )


class ExternalCreditForm(forms.Form):
    name = OneLineTextField(
        label=_("Name"), max_length=200, help_text=_("Someone without an account here, e.g. the author of a source.")
    )
    url = forms.URLField(
        label=_("Web page"),
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
        help_text=_("Their web page, if they have one."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CreditRole.choices, initial=CreditRole.AUTHOR)
