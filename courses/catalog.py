"""The catalog's search, filters and order.

Other apps may offer more orders through the ``courses_catalog_orderings`` hook: each hook function
returns a ``CatalogOrdering`` (cohorts offers "Highest rated"), so the catalog never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from p2pu.core.text import searchable_words

from .choices import LANGUAGE_CHOICES, Level
from .licensing import LICENCE_CHOICES


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


@dataclass(frozen=True)
class CatalogOrdering:
    """One way to order the catalog: ``order`` takes the courses and returns them ordered.

    ``cache_tags`` name what the order reads beyond the courses themselves (the page cache purges the
    catalog pages sorted this way when it changes).
    """

    key: str
    label: str
    order: Callable
    cache_tags: tuple[str, ...] = ()


BUILT_IN_ORDERINGS = (
    CatalogOrdering("newest", _("Newest"), lambda courses: courses.order_by("-first_published_at", "-pk")),
    CatalogOrdering("title", _("Title"), lambda courses: courses.order_by("title", "pk")),
)


def catalog_orderings() -> dict[str, CatalogOrdering]:
    """The orders the catalog offers, by key: its own, then those other apps register."""
    orderings = list(BUILT_IN_ORDERINGS) + [fn() for fn in hooks.get_hooks("courses_catalog_orderings")]
    return {ordering.key: ordering for ordering in orderings}


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search courses"), required=False, max_length=200, widget=forms.SearchInput)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=_any(_("Any language"), LANGUAGE_CHOICES))
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_any(_("Any level"), Level.choices))
    licence = forms.ChoiceField(label=_("Licence"), required=False, choices=_any(_("Any licence"), LICENCE_CHOICES))
    # Relevance to the search words; without any, the newest first.
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _any(_("Any topic"), [(tag.slug, tag.name) for tag in topics])
        self.orderings = catalog_orderings()
        self.fields["sort"].choices = _any(
            _("Relevance"), [(key, ordering.label) for key, ordering in self.orderings.items()]
        )

    def ordering(self) -> CatalogOrdering | None:
        """The order chosen, or None for the default (relevance, or the newest first)."""
        if not self.is_valid() or not self.cleaned_data["sort"]:
            return None
        return self.orderings[self.cleaned_data["sort"]]

    def filtered(self, courses):
        """``courses`` narrowed by the valid filters and the search words; unfiltered when the form is empty."""
        if not self.is_valid():
            return courses
        data = self.cleaned_data
        for field in ("language", "level", "licence"):
            if data[field]:
                courses = courses.filter(**{field: data[field]})
        if data["topic"]:
            # By id: the search backend filters only on indexed fields, and a tag is not one.
            tagged = courses.model.topics.through.objects.filter(tag__slug=data["topic"]).values("content_object_id")
            courses = courses.filter(id__in=tagged)
        ordering = self.ordering()
        words = searchable_words(data["q"])
        if data["q"] and not words:
            return courses.none()
        if words and ordering is None:
            # Relevance order; prefetches still apply to the page of results.
            return courses.search(words)
        if words:
            # The search backend orders only by indexed fields, not by what another app annotates: the
            # matching ids first (one query, however many match), then the chosen order on them.
            matching = courses.model.objects.filter(pk__in=courses.values("pk")).order_by()
            courses = courses.filter(pk__in=[page.pk for page in matching.search(words, order_by_relevance=False)])
        return courses if ordering is None else ordering.order(courses)

    def query_string(self) -> str:
        """The active filters as a query string, for pagination links."""
        if not self.is_valid():
            return ""
        return urlencode({name: value for name, value in self.cleaned_data.items() if value})
