"""The organisation pages' forms. They validate what a person typed; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from cohorts.models import OrganisationRole
from p2pu.core.fields import MultiLineTextField, OneLineTextField

from .services import logos_choosable_by


class OrganisationForm(forms.Form):
    name = OneLineTextField(label=_("Name"), max_length=120)
    about = MultiLineTextField(
        label=_("About"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the organisation is and what its circles are like. Shown on its public page."),
    )
    city = OneLineTextField(label=_("City"), max_length=100, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.ModelChoiceField(
        label=_("Logo"),
        queryset=get_image_model().objects.none(),
        required=False,
        empty_label=_("No logo"),
        help_text=_("A logo you uploaded before, or none."),
    )
    logo_file = forms.ImageField(
        label=_("Upload a new logo"),
        required=False,
        help_text=_("A PNG, JPEG or WebP image; it replaces the logo chosen above. Everyone can see it."),
    )

    def __init__(self, *args, user, current_logo=None, **kwargs):
        super().__init__(*args, **kwargs)
        choosable = logos_choosable_by(user)
        if current_logo is not None:
            choosable = choosable | get_image_model().objects.filter(pk=current_logo.pk)
        self.fields["logo"].queryset = choosable.distinct()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.choices, initial=OrganisationRole.FACILITATOR)


class JoinRequestForm(forms.Form):
    message = MultiLineTextField(
        label=_("Message to the organisers"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are and which circles you would like to run with them."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.choices)
