"""Pieces of a sentence as values (a moment, people's names), so that the whole sentence goes to the translators
in one {% blocktranslate %} rather than in fragments around includes and loops."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cohorts.review.services.allocation import names_joined

register = template.Library()


@register.filter
def at(moment) -> str:
    """A moment as the <time> element the circle's pages show (cohorts/includes/when.html)."""
    # The template's own escaping made it safe; its closing newline would be a space inside the sentence.
    return mark_safe(render_to_string("cohorts/includes/when.html", {"at": moment}).rstrip("\n"))  # noqa: S308


@register.filter
def bdi(name) -> str:
    """A name a person chose, isolated so that a right-to-left name does not reorder the sentence around it."""
    return format_html("<bdi>{}</bdi>", name)


@register.filter
def bdi_names(people, joiner: str = "and") -> str:
    """People's display names, each isolated: "Ann and Ben" (pairwise "and"), or "Ann, Ben" with ``"comma"``."""
    if joiner == "comma":
        return format_html_join(", ", "<bdi>{}</bdi>", ((person.get_display_name(),) for person in people))
    # Each name is escaped by bdi(); the word between them comes from the translation catalog.
    return mark_safe(names_joined(bdi(person.get_display_name()) for person in people))  # noqa: S308


@register.filter
def without(people, person) -> list:
    """``people`` less ``person`` (the viewer among a work's authors, say)."""
    return [someone for someone in people if someone != person]
