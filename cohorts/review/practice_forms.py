"""Forms for self-assessment and calibration. They check input; cohorts.review.services decides and writes."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .forms import MARKDOWN_HELP, ReviewForm, rubric_level_field


class RubricScoresForm(forms.Form):
    """A level per rubric criterion, nothing else (the services say which are missing)."""

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion['id']}_score"] = rubric_level_field(criterion)

    def scores(self) -> dict[str, int | None]:
        return {criterion["id"]: self.cleaned_data[f"criterion_{criterion['id']}_score"] for criterion in self.criteria}


class SelfAssessmentForm(RubricScoresForm):
    reflection = forms.CharField(
        required=False,
        max_length=2000,
        label=_("A note to yourself (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would change with more time. Only you see it."),
    )


class CalibrationExampleForm(ReviewForm):
    """The example work, then a reference level and comment per criterion, like a review."""

    title = forms.CharField(
        max_length=120, label=_("Title"), help_text=_("For example “A plan that is clear but lacks evidence”.")
    )
    text = forms.CharField(
        max_length=20_000,
        label=_("The example work"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=format_lazy(
            "{} {}",
            _("Invented or shared with its author's permission; learners read it before scoring it."),
            MARKDOWN_HELP,
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["title", "text"])
        self.fields["overall_comment"].help_text = _("What learners should notice about this example.")
