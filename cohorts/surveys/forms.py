"""Forms for goals and end-of-circle surveys. They check input; cohorts.surveys.services decides and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from p2pu.core.fields import MultiLineTextField

from ..models import GoalMet

CONFIDENCE_CHOICES = [
    (1, _("1 – not at all confident")),
    (2, _("2 – a little confident")),
    (3, _("3 – fairly confident")),
    (4, _("4 – confident")),
    (5, _("5 – very confident")),
]
RATING_CHOICES = [
    (5, _("5 – excellent")),
    (4, _("4 – good")),
    (3, _("3 – fair")),
    (2, _("2 – poor")),
    (1, _("1 – very poor")),
]


def _confidence_field(label):
    return forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=CONFIDENCE_CHOICES, widget=forms.RadioSelect, label=label
    )


class GoalForm(forms.Form):
    """A goal and how confident the person feels about it, both optional."""

    goal = MultiLineTextField(
        required=False,
        max_length=1000,
        label=_("Your goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What would you like to be able to do by the end? Only you and the facilitators see it."),
    )
    goal_confidence = _confidence_field(_("How confident do you feel about reaching it? (optional)"))


class LearnerSurveyForm(forms.Form):
    goal_met = forms.ChoiceField(choices=GoalMet.choices, widget=forms.RadioSelect, label=_("Did you meet your goal?"))
    confidence_after = _confidence_field(_("How confident do you feel now? (optional)"))
    advice = MultiLineTextField(
        required=False,
        max_length=2000,
        label=_("What would you tell the next learner?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your facilitators read this."),
    )
    rating = forms.TypedChoiceField(
        coerce=int, choices=RATING_CHOICES, widget=forms.RadioSelect, label=_("How would you rate the course?")
    )
    review = MultiLineTextField(
        required=False,
        max_length=4000,
        label=_("A review of the course"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the course's page to people deciding whether to take it."),
    )
    show_name = forms.BooleanField(required=False, label=_("Show my name with my review"))


class FacilitatorSurveyForm(forms.Form):
    how_it_went = MultiLineTextField(
        max_length=4000, label=_("How did the circle go?"), widget=forms.Textarea(attrs={"rows": 5})
    )
    course_changes = MultiLineTextField(
        required=False,
        max_length=4000,
        label=_("What would you change in the course?"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
