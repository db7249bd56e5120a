"""Template helpers for course pages: safe links, licences, JSON-LD, and hooks other apps fill in."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from wagtail import hooks

from ..choices import language_name as _language_name
from ..licensing import Licence
from ..validators import is_web_url

register = template.Library()

# What json_script escapes: with these as \u escapes, the JSON can never close the <script>
# element or open a comment, whatever text an author typed into a course.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def web_url(value) -> str:
    """The URL if it is an http(s) link, else an empty string, so no javascript: link is ever rendered."""
    return value if value and is_web_url(value) else ""


def _licence(code) -> Licence | None:
    try:
        return Licence(code)
    except ValueError:
        return None


@register.filter
def licence_label(code) -> str:
    licence = _licence(code)
    return licence.label if licence else ""


@register.filter
def licence_url(code) -> str:
    licence = _licence(code)
    return licence.url if licence else ""


@register.filter
def language_name(code) -> str:
    """A language's name for its own speakers ("Español"): a link to a version in it reads in it."""
    return _language_name(code) if code else ""


@register.simple_tag
def json_ld(data: dict):
    """``<script type="application/ld+json">`` for structured data, escaped like Django's json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def courses_hook(context, hook_name: str, *args):
    """The HTML that other apps register for a place on a course page, e.g. ``courses_activity_actions``.

    Each hook is called with ``(request, *args)`` and returns HTML built with ``format_html``
    (plain strings are escaped), or an empty string. This lets cohorts add "Submit work" to an activity,
    list the circles running a course (``courses_course_sidebar``), or show its ratings
    (``courses_course_header``) and reviews (``courses_course_main``), without courses importing cohorts.

    ``courses_course_header`` and ``courses_course_sidebar`` render inside the course page's shared part
    (see ``CoursePage.get_context``): they must read nothing about the viewer, and name what they show
    through ``courses_course_cache_tags``. Only ``courses_course_main`` and ``courses_activity_actions``
    render per request.
    """
    request = context.get("request")
    fragments = [fn(request, *args) for fn in hooks.get_hooks(hook_name)]
    return mark_safe("".join(conditional_escape(fragment) for fragment in fragments if fragment))  # noqa: S308


@register.simple_tag
def content_lang(code):
    """The ``lang`` attribute (and ``dir="rtl"`` for a right-to-left language) of content written in ``code``.

    A course's text is in its own language, which need not be the interface's: with the attribute, screen
    readers pronounce it and browsers hyphenate and lay it out as that language.
    """
    if not code:
        return ""
    try:
        right_to_left = get_language_info(code)["bidi"]
    except KeyError:
        right_to_left = False
    return format_html(' lang="{}"{}', code, format_html(' dir="{}"', "rtl") if right_to_left else "")


@register.simple_tag
def interface_lang():
    """The ``lang`` (and ``dir``) of the interface, for its labels inside content marked with ``content_lang``."""
    return content_lang(get_language())
