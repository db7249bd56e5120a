"""Forms of a circle's discussion; the services decide, these only collect."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohorts.models import PostFlagReason, Thread
from p2pu.core.fields import OneLineTextField

from .attachments import validate_image

MARKDOWN_HELP = _(
    "Markdown works: **bold**, *italic*, lists, > quotes, `code`; web addresses become links. "
    "Mention a member with @ and their username."
)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to DISCUSSION_ATTACHMENTS_PER_POST images, each checked like a submitted file."""

    widget = MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"})

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > settings.DISCUSSION_ATTACHMENTS_PER_POST:
            most = settings.DISCUSSION_ATTACHMENTS_PER_POST
            raise forms.ValidationError(
                ngettext("Attach at most %(count)d image.", "Attach at most %(count)d images.", most) % {"count": most}
            )
        for upload in files:
            validate_image(upload)
        return files


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=settings.DISCUSSION_POST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    images = ImagesField(label=_("Images"), required=False)


class ThreadForm(PostForm):
    title = OneLineTextField(label=_("Title"), max_length=200)
    field_order = ["title", "body", "images"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Message")


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=settings.DISCUSSION_POST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=PostFlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything the moderators should know"), max_length=500, required=False)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you hiding it?"),
        max_length=500,
        help_text=_("Its author sees this reason; nobody else sees the post."),
    )


class MoveForm(forms.Form):
    to_thread = forms.ModelChoiceField(label=_("Move to thread"), queryset=Thread.objects.none())

    def __init__(self, *args, threads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_thread"].queryset = threads


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search this discussion"), max_length=100, required=False)
