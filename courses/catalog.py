"""The catalog's search and filters."""

from django import forms
from django.utils.http import urlencode

from .choices import LANGUAGE_CHOICES, Level
from .licensing import LICENCE_CHOICES


def _any(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=200, widget=forms.SearchInput)
    topic = forms.ChoiceField(label="Topic", required=False)
    language = forms.ChoiceField(label="Language", required=False, choices=_any("Any language", LANGUAGE_CHOICES))
    level = forms.ChoiceField(label="Level", required=False, choices=_any("Any level", Level.choices))
    licence = forms.ChoiceField(label="Licence", required=False, choices=_any("Any licence", LICENCE_CHOICES))

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _any("Any topic", [(tag.slug, tag.name) for tag in topics])

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
        if data["q"]:
            # Relevance order; prefetches still apply to the page of results.
            courses = courses.search(data["q"])
        return courses

    def query_string(self) -> str:
        """The active filters as a query string, for pagination links."""
        if not self.is_valid():
            return ""
        return urlencode({name: value for name, value in self.cleaned_data.items() if value})
