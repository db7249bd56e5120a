"""Forms for peer review. They check input; cohorts.review.services decides and writes."""

from __future__ import annotations

import filetype
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import AllocationMode, FlagReason, Review
from cohorts.models.circles import ReviewAnonymity

#: Uploads: at most this size, and of these types (checked by content, not only by name).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Extension → the type ``filetype`` must recognise in the content; None for plain text.
ALLOWED_FILE_TYPES = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "docx": "docx",
    "odt": "odt",
    "pptx": "pptx",
    "odp": "odp",
    "xlsx": "xlsx",
    "ods": "ods",
    "txt": None,
    "md": None,
    "csv": None,
}
MARKDOWN_HELP = _(
    "Markdown works: **bold**, *italic*, lines starting “- ” or “1. ” for a list, > quotes, `code`, "
    "[words](https://…) for a link. Leave a blank line between paragraphs; web addresses become links."
)
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def validate_upload(upload) -> None:
    """Refuse files that are too large, of a type we do not take, or whose content is not what the name says."""
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(
            _gettext("This file is %(size)s; files can be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_FILE_BYTES)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED_FILE_TYPES:
        kinds = ", ".join(sorted(ALLOWED_FILE_TYPES))
        raise forms.ValidationError(_gettext("Upload one of these kinds of file: %(kinds)s.") % {"kinds": kinds})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    detected = filetype.guess(head)
    expected = ALLOWED_FILE_TYPES[extension]
    if expected is None:
        plain = detected is None and b"\x00" not in head
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut off at the end of the sample is fine.
            plain = plain and error.start >= len(head) - 3
        if not plain:
            raise forms.ValidationError(
                _gettext("This file does not look like a .%(extension)s text file.") % {"extension": extension}
            )
    elif detected is None or detected.extension != expected:
        raise forms.ValidationError(
            _gettext("This file's content is not a .%(extension)s file; check that it opens.")
            % {"extension": extension}
        )


class WebAddressField(forms.URLField):
    """A link that opens in a browser: http(s) only, so no javascript: or ftp: link reaches a page."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class SubmissionForm(forms.Form):
    """The work itself (text, link or file), with co-authors before the first submission."""

    text = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 14}))
    link = WebAddressField(
        required=False,
        max_length=500,
        label=_("Link to your work"),
        assume_scheme="https",
        help_text=_("A web address starting with https://, e.g. a shared document or a video."),
    )
    file = forms.FileField(required=False, label=_("Your file"), validators=[validate_upload])
    change_note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("What you changed since the last version"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reviewers of this version read it along with the changes."),
    )
    coauthors = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Co-authors"),
        help_text=_("Others in the circle who worked on this with you. They never review it."),
    )

    def __init__(self, *args, submission_type: str, revision: bool, coauthor_choices=None, current_file="", **kwargs):
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        if submission_type == "text":
            text.label = _("Your work")
            text.help_text = MARKDOWN_HELP
            text.required = True
            del self.fields["link"], self.fields["file"]
        else:
            text.label = _("A note for your reviewers")
            text.help_text = MARKDOWN_HELP
            text.widget.attrs["rows"] = 5
            del self.fields["file" if submission_type == "link" else "link"]
            # A file is not required here: a revision keeps its file unless a new one comes.
            if "link" in self.fields:
                self.fields["link"].required = True
        if "file" in self.fields:
            allowed = ", ".join(sorted(ALLOWED_FILE_TYPES))
            limits = {"size": filesizeformat(MAX_FILE_BYTES), "kinds": allowed, "current": current_file}
            if current_file:
                help_text = _gettext("Up to %(size)s: %(kinds)s. Leave empty to keep %(current)s.") % limits
            else:
                help_text = _gettext("Up to %(size)s: %(kinds)s.") % limits
            self.fields["file"].help_text = help_text
        if not revision:
            del self.fields["change_note"]
        if coauthor_choices is None:
            del self.fields["coauthors"]
        else:
            self.fields["coauthors"].queryset = coauthor_choices
            self.fields["coauthors"].label_from_instance = lambda user: user.get_display_name()


def rubric_level_field(criterion: dict) -> forms.TypedChoiceField:
    """A criterion's levels as radio buttons, best first; empty when none is chosen (services say what is missing)."""
    return forms.TypedChoiceField(
        label=criterion["name"],
        help_text=criterion["description"],
        choices=[
            (
                level["score"],
                _("%(label)s (%(score)s of %(max)s): %(descriptor)s")
                % {
                    "label": level["label"],
                    "score": level["score"],
                    "max": criterion["max_score"],
                    "descriptor": level["descriptor"],
                },
            )
            for level in reversed(criterion["levels"])
        ],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class ReviewForm(forms.Form):
    """A level and a comment per rubric criterion, and an overall comment."""

    overall_comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Overall comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            "{} {}", _("What works well, and the one thing that would most improve the work."), MARKDOWN_HELP
        ),
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion['id']}_score"] = rubric_level_field(criterion)
            self.fields[f"criterion_{criterion['id']}_comment"] = forms.CharField(
                label=_gettext("Comment on “%(criterion)s”") % {"criterion": criterion["name"]},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # Overall comment last, after the criteria it sums up.
        self.order_fields([name for name in self.fields if name != "overall_comment"] + ["overall_comment"])

    def criterion_fields(self):
        """(criterion, score field, comment field) per criterion, for the template."""
        return [
            (criterion, self[f"criterion_{criterion['id']}_score"], self[f"criterion_{criterion['id']}_comment"])
            for criterion in self.criteria
        ]

    def scores(self) -> dict[str, tuple[int | None, str]]:
        return {
            criterion["id"]: (
                self.cleaned_data[f"criterion_{criterion['id']}_score"],
                self.cleaned_data[f"criterion_{criterion['id']}_comment"],
            )
            for criterion in self.criteria
        }


class HelpfulnessForm(forms.Form):
    helpfulness = forms.TypedChoiceField(
        label=_("How helpful was this review?"),
        choices=Review.HELPFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this review?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Tell the facilitators more"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the circle's facilitators read this. The reviewer is not told who flagged it."),
    )


class FlagResolveForm(forms.Form):
    hide_review = forms.BooleanField(
        required=False,
        label=_("Hide the review"),
        help_text=_("It no longer shows to the author or counts in the scores."),
    )
    ask_for_another = forms.BooleanField(
        required=False, label=_("Ask someone else for another review"), help_text=_("The least busy eligible reviewer.")
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided this; the author who flagged the review reads it."),
    )


class ReviewSettingsForm(forms.Form):
    review_anonymity = forms.ChoiceField(
        label=_("Anonymity"), choices=ReviewAnonymity.choices, widget=forms.RadioSelect
    )
    feedback_after_own_reviews = forms.BooleanField(
        required=False,
        label=_("Learners read their feedback only after finishing their own reviews"),
        help_text=_("Encourages everyone to review; facilitators always see everything."),
    )


class ActivitySettingsForm(forms.Form):
    allocation_mode = forms.ChoiceField(
        label=_("How reviews are handed out"), choices=AllocationMode.choices, widget=forms.RadioSelect
    )
    due_at = forms.DateTimeField(
        label=_("Deadline for submissions"),
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In your time zone."),
    )
    review_days = forms.IntegerField(label=_("Days reviewers have for each review"), min_value=1, max_value=60)
    stuck_after_days = forms.IntegerField(
        label=_("Alert me about work still lacking reviews this many days after the deadline"),
        min_value=1,
        max_value=90,
    )
    release_after_days = forms.IntegerField(
        label=_("Then allow releasing it with fewer reviews after this many more days"), min_value=0, max_value=90
    )
    self_assessment = forms.BooleanField(
        required=False,
        label=_("Self-assessment: learners score their own work before reading their reviews"),
        help_text=_("Afterwards they see their own scores beside their reviewers'."),
    )
    calibration = forms.BooleanField(
        required=False,
        label=_("Calibration: learners practise on your examples before reviewing"),
        help_text=_("Add two or three examples with your scores; learners score them before they can start reviews."),
    )


def activity_settings_initial(activity) -> dict:
    return {
        "allocation_mode": activity.allocation_mode,
        "due_at": activity.due_at,  # the field shows it in the viewer's time zone
        "review_days": activity.review_days,
        "stuck_after_days": activity.stuck_after_days,
        "release_after_days": activity.release_after_days,
        "self_assessment": activity.self_assessment,
        "calibration": activity.calibration,
    }
