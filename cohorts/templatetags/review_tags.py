"""Template helpers for peer review: learners' Markdown, and the reviews on /me/."""

from django import template
from django.utils.safestring import mark_safe

from cohorts import markdown as site_markdown
from cohorts.models import ReviewAssignment

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """A learner's Markdown as HTML; nothing they typed adds an element or attribute (tested with hostile input)."""
    return mark_safe(site_markdown.render(text or ""))  # noqa: S308 (the renderer makes every tag itself)


@register.filter
def score(value: float) -> str:
    """A score on a rubric's scale: “2”, “2.5”, “2.33”."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@register.inclusion_tag("cohorts/review/includes/reviews_to_do.html", takes_context=True)
def reviews_to_do(context):
    """The reviews handed to the signed-in person across their circles, soonest due first (one query)."""
    user = context["request"].user
    assignments = ReviewAssignment.objects.to_do_for(user).select_related("activity", "activity__circle")
    return {"assignments": list(assignments), "request": context["request"]}
