"""Forms of the remix pages on the site."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..licensing import LICENCE_CHOICES, Licence
from ..models.remix import DerivationKind
from ..validators import validate_web_url


def _licence_choices(allowed) -> list[tuple[str, str]]:
    return [(licence.value, licence.label) for licence in allowed]


class RemixForm(forms.Form):
    title = forms.CharField(label=_("Title of your remix"), max_length=255)
    licence = forms.ChoiceField(
        label=_("Licence of your remix"),
        widget=forms.RadioSelect,
        help_text=_("Only the licences the source allows for an adaptation are offered."),
    )

    def __init__(self, *args, allowed: tuple[Licence, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].choices = _licence_choices(allowed)
        # The most permissive licence the source allows, which keeps the remix as reusable as possible.
        self.fields["licence"].initial = allowed[0].value if allowed else None


class ModuleImportForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Add it to"),
        queryset=None,
        empty_label=None,
        help_text=_("One of the courses you write. The module is added at the end, as a draft."),
    )
    kind = forms.ChoiceField(
        label=_("How to use it"),
        widget=forms.RadioSelect,
        choices=[
            (DerivationKind.ADAPTATION, _("Adapt it: an editable copy you can change")),
            (DerivationKind.VERBATIM, _("Include it verbatim: kept exactly as it is, under its own licence")),
        ],
        initial=DerivationKind.ADAPTATION,
    )

    def __init__(self, *args, courses, no_adaptation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        if no_adaptation:
            self.fields["kind"].choices = [
                choice for choice in self.fields["kind"].choices if choice[0] != "adaptation"
            ]
            self.fields["kind"].initial = DerivationKind.VERBATIM


class ExternalSourceForm(forms.Form):
    url = forms.URLField(label=_("Web address"), max_length=500, assume_scheme="https", validators=[validate_web_url])
    title = forms.CharField(label=_("Title"), max_length=255, help_text=_("As its authors give it."))
    author = forms.CharField(
        label=_("Author"),
        max_length=255,
        required=False,
        help_text=_("The people or organisation to credit, as they ask to be credited."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=[("", _("Choose a licence")), *LICENCE_CHOICES])
    kind = forms.ChoiceField(
        label=_("How this course uses it"),
        widget=forms.RadioSelect,
        choices=[
            (DerivationKind.ADAPTATION, _("Adapted: changed or mixed into this course")),
            (DerivationKind.VERBATIM, _("Included verbatim: used exactly as it is")),
        ],
        initial=DerivationKind.ADAPTATION,
    )
    target = forms.ChoiceField(label=_("Used in"))

    def __init__(self, *args, course, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (str(course.pk), gettext("The whole course, “%(title)s”") % {"title": course.title}),
            *((str(module.pk), gettext("Module “%(title)s”") % {"title": module.title}) for module in modules),
        ]


class ChangesForm(forms.Form):
    changes = forms.CharField(
        label=_("What you changed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown after the source in your attribution, e.g. “shortened, examples for libraries”."),
    )


class TranslateForm(forms.Form):
    language = forms.ChoiceField(label=_("Translate into"))
    title = forms.CharField(label=_("Title in that language"), max_length=255)
    slug = forms.SlugField(
        label=_("Address of the translation"),
        required=False,
        allow_unicode=False,
        help_text=_("The last part of /courses/…/, in that language; made from the title when left empty."),
    )

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
