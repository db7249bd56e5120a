"""Forms for inline comments, final scores and appeals. They check input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import AppealOutcome, FlagReason

from .passages import Sentence

#: How much of a sentence an option shows.
OPTION_CHARS = 90


class InlineCommentForm(forms.Form):
    """A comment on a passage: chosen from the numbered sentences, or quoted (the page's script fills
    the quote from a selection in the text), or both to narrow a sentence down to some of its words."""

    sentence = forms.TypedChoiceField(
        label=_("Passage"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The text's sentences, numbered by paragraph. Choose the one your comment is about."),
    )
    quote = forms.CharField(
        label=_("Exact words"),
        required=False,
        max_length=2000,
        help_text=_(
            "To comment on only some words, copy them here (in the passage chosen above, or anywhere if "
            "you chose none). Selecting words in the text fills this in."
        ),
    )
    near = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sentences: list[Sentence], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sentence"].choices = [("", _("None: use the exact words below"))] + [
            (sentence.number, _option_label(sentence)) for sentence in sentences
        ]


def _option_label(sentence: Sentence) -> str:
    text = sentence.text if len(sentence.text) <= OPTION_CHARS else sentence.text[: OPTION_CHARS - 1].rstrip() + "…"
    return _("Paragraph %(paragraph)d, sentence %(position)d: %(text)s") % {
        "paragraph": sentence.paragraph,
        "position": sentence.position,
        "text": text,
    }


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentFlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Tell the facilitators more"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the circle's facilitators read this. The writer is not told who flagged it."),
    )


class CommentFlagResolveForm(forms.Form):
    hide_comment = forms.BooleanField(label=_("Hide the comment"), required=False)
    note = forms.CharField(
        label=_("A note for the person who flagged it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _ScoresForm(forms.Form):
    """A level per rubric criterion (``criterion_<id>`` fields), then the form's own fields."""

    def __init__(self, *args, criteria: list[dict], required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        own = list(self.fields)
        for criterion in criteria:
            self.fields[f"criterion_{criterion['id']}"] = forms.TypedChoiceField(
                label=criterion["name"],
                choices=[("", _("—"))]
                + [
                    (level["score"], f"{level['label']} ({level['score']} / {criterion['max_score']})")
                    for level in reversed(criterion["levels"])
                ],
                coerce=int,
                empty_value=None,
                required=required,
            )
        self.order_fields([name for name in self.fields if name not in own] + own)

    def scores(self) -> dict[str, int | None]:
        return {criterion["id"]: self.cleaned_data.get(f"criterion_{criterion['id']}") for criterion in self.criteria}

    def score_fields(self):
        return [self[f"criterion_{criterion['id']}"] for criterion in self.criteria]


class FinalScoreForm(_ScoresForm):
    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The authors read this beside the final score."),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("What did the score miss?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Point to the rubric and to your work. The facilitators read this, and one more person reviews "
            "your work. You can appeal once."
        ),
    )


class AppealResolveForm(_ScoresForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Your answer to the authors"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, criteria=criteria, required=False, **kwargs)
        levels = [name for name in self.fields if name.startswith("criterion_")]
        for name in levels:
            self.fields[name].help_text = _("Only when you change the score.")
        self.order_fields(["outcome", *levels, "note"])
