from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from p2pu.core.fields import MultiLineTextField, OneLineTextField

from .models import LANGUAGE_CHOICES, User, time_zone_choices


def _model_max_length(name: str) -> int:
    return User._meta.get_field(name).max_length


class ProfileForm(forms.Form):
    """What a person tells others about themselves, and which parts their public profile shows.

    A plain form rather than a ModelForm: saving goes through ``profile_update``, and an invalid
    submission must not touch the signed-in user object that the rest of the page renders.
    """

    display_name = OneLineTextField(
        label=_("Display name"),
        max_length=_model_max_length("display_name"),
        required=False,
        help_text=_("How your name appears to others. Leave it empty to use your username."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    bio = MultiLineTextField(
        label=_("About you"),
        max_length=_model_max_length("bio"),
        required=False,
        help_text=_("What you are learning, what you can help others with. Plain text."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Meeting times are shown to you in this time zone."),
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can learn in"),
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_("Every language you could follow a study circle in."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-grid"}),
        error_messages={"invalid_choice": _("Choose languages from the list.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("As my browser asks")), *settings.LANGUAGES],
        required=False,
        help_text=_("The language of the site, of the e-mail it sends you and of your calendar feed."),
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    show_bio = forms.BooleanField(label=_("Show “About you”"), required=False)
    show_languages = forms.BooleanField(label=_("Show my languages"), required=False)
    show_time_zone = forms.BooleanField(label=_("Show my time zone"), required=False)

    profile_fields = ("display_name", "bio", "time_zone", "preferred_language", "languages")
    visibility_fields = ("show_bio", "show_languages", "show_time_zone")

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        initial = {name: getattr(user, name) for name in cls.profile_fields + cls.visibility_fields}
        return cls(data, initial=initial)

    def profile_field_rows(self):
        return [self[name] for name in self.profile_fields]

    def visibility_field_rows(self):
        return [self[name] for name in self.visibility_fields]


class AccountDeleteForm(forms.Form):
    """What happens to the person's credits, and that they mean it."""

    KEEP, REMOVE = "keep", "remove"

    credits = forms.ChoiceField(
        label=_("Your name on courses you are credited on"),
        choices=[
            (KEEP, _("Keep my name in the credits (as a name without an account)")),
            (REMOVE, _("Remove my name from the credits, and from the credits of remixes")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
        help_text=_(
            "Openly licensed courses must credit their authors; the licence also lets you ask for your name "
            "to be removed (Creative Commons 4.0, section 3(a)(3))."
        ),
    )
    confirm = forms.BooleanField(label=_("I understand that my account cannot be restored"), required=True)

    @property
    def keep_credit_names(self) -> bool:
        return self.cleaned_data["credits"] == self.KEEP
