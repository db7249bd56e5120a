from django import forms
from django.utils.translation import gettext_lazy as _


class FlagForm(forms.Form):
    explanation = forms.CharField(
        label=_("What is wrong with this review?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A site editor reads this and decides whether to hide the review."),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown under the review on the course page, for everyone to read. The course has one reply."),
    )


class Decision:
    HIDE = "hide"
    UNHIDE = "unhide"
    DISMISS = "dismiss"


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What to do"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.HIDE, _("Hide the review and its rating from the course page")),
            (Decision.DISMISS, _("Keep the review as it is")),
            (Decision.UNHIDE, _("Show the hidden review again")),
        ],
    )
    note = forms.CharField(
        label=_("Note for the audit trail"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rating, **kwargs):
        super().__init__(*args, **kwargs)
        hidden = rating.hidden_at is not None
        self.fields["decision"].choices = [
            (value, label)
            for value, label in self.fields["decision"].choices
            if (value == Decision.UNHIDE) == hidden or value == Decision.DISMISS
        ]
