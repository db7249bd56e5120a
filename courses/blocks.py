"""The one block library every module body is written with, and the blocks a rubric is made of.

Stable identities: every item of a StreamField carries a UUID (``block.id``) that Wagtail keeps
across revisions, copies and publishes. Study circles therefore refer to an activity by
``(module page id, activity block id)`` — see ``ModulePage.activities()`` — and peer reviews
refer to a rubric criterion by its block id (see ``Rubric.criteria_list()``).

Nothing here fetches anything over the network at render time: videos render as a link card
naming the provider, not as an embedded player.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .licensing import LICENCE_CHOICES
from .validators import validate_web_url

#: What authors may format in rich text: enough for course prose, nothing that embeds or runs code.
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul", "code", "blockquote"]
#: For short rich text inside other blocks (callouts, prompts), where headings would break the outline.
INLINE_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code"]

#: A licence field inside a block may also be left empty: "not stated".
OPTIONAL_LICENCE_CHOICES = [("", pgettext_lazy("licence", "Not stated")), *LICENCE_CHOICES]


class WebURLBlock(blocks.URLBlock):
    """A URL limited to http(s): a ``javascript:`` link typed here is refused when saved."""

    def __init__(self, required=True, help_text=None, validators=(), **kwargs):
        super().__init__(required=required, help_text=help_text, validators=[*validators, validate_web_url], **kwargs)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (level 2)")), ("h3", _("Subsection (level 3)"))],
        default="h2",
        help_text=_("The module title is the only level 1 heading; start sections at level 2."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading_block.html"
        preview_value = {"text": "Before you start", "level": "h2"}
        description = _("A section heading; it also appears in the module's outline.")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text=_("Describe the image for people who cannot see it. Leave empty only if it is purely decorative."),
    )
    caption = blocks.CharBlock(max_length=250, required=False)
    credit = blocks.CharBlock(
        max_length=250, required=False, help_text=_("Who made the image, e.g. “Photo: Ana Lima”.")
    )
    licence = blocks.ChoiceBlock(choices=OPTIONAL_LICENCE_CHOICES, required=False, default="")

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image_block.html"
        description = _("An image with alt text, caption, credit and licence.")


#: Host names (without "www.") of well-known video sites, for the "Watch on …" link.
VIDEO_PROVIDERS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "vimeo.com": "Vimeo",
    "player.vimeo.com": "Vimeo",
    "archive.org": "Internet Archive",
    "ted.com": "TED",
    "dailymotion.com": "Dailymotion",
    "khanacademy.org": "Khan Academy",
    "commons.wikimedia.org": "Wikimedia Commons",
}


def video_provider(url: str) -> str:
    """The provider's name for a video URL, or its host name when the site is not a known one."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return VIDEO_PROVIDERS.get(host) or host


class VideoBlock(blocks.StructBlock):
    """A video or other media hosted elsewhere, shown as a card with a link to watch it there.

    Embedding would fetch the provider's player (and its trackers) on every page view; a link
    card keeps pages fast, private and working offline.
    """

    url = WebURLBlock(label=_("URL"), help_text=_("The page where the video can be watched, e.g. on YouTube or Vimeo."))
    title = blocks.CharBlock(max_length=200)
    duration_minutes = blocks.IntegerBlock(required=False, min_value=1, max_value=1000, label=_("Length in minutes"))
    description = blocks.TextBlock(required=False, max_length=1000)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["provider"] = video_provider(value["url"]) if value.get("url") else ""
        return context

    class Meta:
        icon = "media"
        label = _("Video or media link")
        template = "courses/blocks/video_block.html"
        preview_value = {
            "url": "https://www.youtube.com/watch?v=example",
            "title": "How a study circle meets",
            "duration_minutes": 6,
        }
        description = _("A link card to a video hosted elsewhere (no player is embedded).")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("note", pgettext_lazy("callout", "Note")),
            ("tip", pgettext_lazy("callout", "Tip")),
            ("warning", pgettext_lazy("callout", "Warning")),
        ],
        default="note",
    )
    title = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=INLINE_RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout_block.html"
        preview_value = {"kind": "tip", "title": "Tip", "text": "<p>Agree on a time-keeper before you start.</p>"}
        description = _("A highlighted note, tip or warning.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(max_length=2000)
    source = blocks.CharBlock(max_length=250, required=False, help_text=_("Who said or wrote it, and where."))
    source_url = WebURLBlock(required=False, label=_("Source URL"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote_block.html"
        preview_value = {"text": "We learn best together.", "source": "A learner"}
        description = _("A quotation with its source.")


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[
            ("text", _("Plain text")),
            ("python", "Python"),
            ("javascript", "JavaScript"),
            ("html", "HTML"),
            ("css", "CSS"),
            ("sql", "SQL"),
            ("r", "R"),
            ("bash", "Shell"),
            ("json", "JSON"),
            ("markdown", "Markdown"),
        ],
        default="text",
    )
    code = blocks.TextBlock()

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["language_label"] = dict(self.child_blocks["language"].field.choices).get(
            value["language"], gettext("Code")
        )
        return context

    class Meta:
        icon = "code"
        label = _("Code")
        template = "courses/blocks/code_block.html"
        preview_value = {"language": "python", "code": "print('hello, circle')"}
        description = _("A code listing, shown exactly as typed.")


class ExternalResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = WebURLBlock(label=_("URL"))
    author = blocks.CharBlock(max_length=200, required=False)
    licence = blocks.ChoiceBlock(choices=OPTIONAL_LICENCE_CHOICES, required=False, default="")
    description = blocks.TextBlock(required=False, max_length=1000)

    class Meta:
        icon = "link-external"
        label = _("External resource")
        template = "courses/blocks/external_resource_block.html"
        preview_value = {
            "title": "The Learning Circle Facilitator Handbook",
            "url": "https://www.p2pu.org/en/facilitate/",
            "author": "Peer 2 Peer University",
            "licence": "CC-BY-4.0",
        }
        description = _("A link to a reading or resource elsewhere, with its author and licence.")


class DiscussionQuestionBlock(blocks.StructBlock):
    question = blocks.TextBlock(max_length=500)
    guidance = blocks.TextBlock(
        required=False, max_length=1000, help_text=_("Optional hints for the facilitator or the group.")
    )

    class Meta:
        icon = "help"
        label = _("Discussion question")
        template = "courses/blocks/discussion_question_block.html"
        preview_value = {"question": "What made a group you learned in work well?"}
        description = _("A question for the circle to discuss when it meets.")


class SubmissionType:
    TEXT = "text"
    LINK = "link"
    FILE = "file"
    CHOICES = [(TEXT, _("Written text")), (LINK, _("A link")), (FILE, _("A file upload"))]


class ActivityBlock(blocks.StructBlock):
    """Work a learner submits and peers review with the rubric.

    Circles refer to an activity by (module page id, this block's id); see ``ModulePage.activities()``.
    """

    title = blocks.CharBlock(max_length=120)
    prompt = blocks.RichTextBlock(features=INLINE_RICH_TEXT_FEATURES)
    submission_type = blocks.ChoiceBlock(choices=SubmissionType.CHOICES, default=SubmissionType.TEXT)
    rubric = SnippetChooserBlock("courses.Rubric", required=False, help_text=_("How peers will review the work."))
    reviews_per_submission = blocks.IntegerBlock(
        default=3, min_value=0, max_value=10, help_text=_("How many peers review each submission (0: no peer review).")
    )
    due_offset_days = blocks.IntegerBlock(
        default=7,
        min_value=0,
        max_value=365,
        label=_("Due after (days)"),
        help_text=_("Days after the meeting that covers this module."),
    )
    self_assessment = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("Self-assessment"),
        help_text=_("Learners score their own work with the rubric before reading their reviews."),
    )
    calibration = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("Calibration"),
        help_text=_("Learners practise on two or three examples that facilitators score, before reviewing peers."),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["submission_label"] = dict(SubmissionType.CHOICES).get(value["submission_type"], "")
        return context

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value["reviews_per_submission"] and value["rubric"] is None:
            errors["rubric"] = ValidationError(_("Choose a rubric, or set reviews per submission to 0."))
        if value.get("self_assessment") and value["rubric"] is None:
            errors["self_assessment"] = ValidationError(_("Learners score their own work with the rubric: choose one."))
        if value.get("calibration") and not value["reviews_per_submission"]:
            errors["calibration"] = ValidationError(_("Calibration prepares peer reviews: set reviews per submission."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "tasks"
        label = _("Activity")
        template = "courses/blocks/activity_block.html"
        description = _("Work learners submit and review with a rubric.")


class ModuleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow", label=_("Text"))
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    code = CodeBlock()
    resource = ExternalResourceBlock()
    discussion = DiscussionQuestionBlock()
    activity = ActivityBlock()

    class Meta:
        template = "courses/blocks/module_body_block.html"


# --- Rubrics -----------------------------------------------------------------------------


class LevelBlock(blocks.StructBlock):
    score = blocks.IntegerBlock(min_value=0, max_value=100)
    label = blocks.CharBlock(max_length=60, help_text=_("e.g. “Developing”, “Proficient”."))
    descriptor = blocks.TextBlock(max_length=500, help_text=_("What work at this level looks like."))

    class Meta:
        icon = "list-ol"
        label = _("Level")


class CriterionBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    description = blocks.TextBlock(required=False, max_length=500)
    levels = blocks.ListBlock(LevelBlock(), min_num=2, max_num=6)

    def clean(self, value):
        value = super().clean(value)
        scores = [level["score"] for level in value["levels"]]
        if len(scores) != len(set(scores)):
            raise StructBlockValidationError(
                block_errors={"levels": ValidationError(_("Each level needs a different score."))}
            )
        return value

    class Meta:
        icon = "list-ul"
        label = _("Criterion")


class RubricCriteriaBlock(blocks.StreamBlock):
    criterion = CriterionBlock()

    class Meta:
        min_num = 1
