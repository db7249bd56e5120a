"""Rubrics: criteria with scored levels, which peers use to review activity submissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import RevisionMixin
from wagtail.search import index

from ..blocks import RubricCriteriaBlock


class Rubric(RevisionMixin, index.Indexed, models.Model):
    """A snippet with revisions, chosen by activities.

    Criteria are StreamField items, so each criterion has a stable id (its block UUID) that
    review scores can refer to. To score against the rubric as it was when a circle started,
    keep ``rubric.latest_revision`` and later call ``revision.as_object().criteria_list()``.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("When to use this rubric; shown to reviewers.")
    )
    criteria = StreamField(RubricCriteriaBlock(), verbose_name=_("criteria"))
    # The course the rubric was written for, so its authors (and only they) can edit it; empty
    # for site-wide rubrics that staff maintain. SET_NULL keeps a rubric that reviews used.
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rubrics",
        verbose_name=_("course"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("title"), FieldPanel("description"), FieldPanel("criteria")]
    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("description"),
        index.FilterField("course"),
    ]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.title

    def criteria_list(self) -> list[dict]:
        """The criteria as plain data, for scoring.

        ``[{"id", "name", "description", "levels": [{"score", "label", "descriptor"}, ...],
        "max_score"}, ...]`` with each criterion's levels ordered from lowest to highest score.
        """
        criteria = []
        for block in self.criteria:
            levels = sorted(
                (
                    {"score": level["score"], "label": level["label"], "descriptor": level["descriptor"]}
                    for level in block.value["levels"]
                ),
                key=lambda level: level["score"],
            )
            criteria.append(
                {
                    "id": block.id,
                    "name": block.value["name"],
                    "description": block.value["description"],
                    "levels": levels,
                    "max_score": levels[-1]["score"] if levels else 0,
                }
            )
        return criteria

    def max_score(self) -> int:
        """The highest total a submission can get: the sum of each criterion's top level."""
        return sum(criterion["max_score"] for criterion in self.criteria_list())
