"""Which courses are records, how they are named, and how a list request pages through them.

Records are the catalog's live, public courses (datestamp: when the course was last published), then
the withdrawn ones (datestamp: when they were withdrawn), each in id order, so a resumption token
only has to remember the last id sent. A page holds at most settings.OAI_PMH_PAGE_SIZE records, which
bounds the memory a response needs whatever the size of the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ..choices import COURSE_LANGUAGE_CODES, LANGUAGE_CHOICES
from ..licensing import Licence
from ..models import CourseCredit, CoursePage, WithdrawnCourse
from .protocol import ListQuery, OAIError

LIVE, WITHDRAWN = "live", "withdrawn"


def _namespace() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def identifier(course_id: int) -> str:
    return f"oai:{_namespace()}:course/{course_id}"


def course_id_of(value: str) -> int | None:
    prefix = f"oai:{_namespace()}:course/"
    if not value.startswith(prefix) or not value[len(prefix) :].isdigit():
        return None
    return int(value[len(prefix) :])


def sets() -> list[tuple[str, str]]:
    """(setSpec, setName): a set per licence and per course language, under two parent sets."""
    languages = dict(LANGUAGE_CHOICES)
    return [
        ("licence", _("Courses by licence")),
        *[
            (f"licence:{licence.value}", _("Courses under %(licence)s") % {"licence": licence.label})
            for licence in Licence
        ],
        ("language", _("Courses by language")),
        *[
            (f"language:{code}", _("Courses in %(language)s") % {"language": languages[code]})
            for code in COURSE_LANGUAGE_CODES
        ],
    ]


def set_specs_of(licence: str, language: str) -> list[str]:
    return [f"licence:{licence}", f"language:{language}"]


def _set_filter(set_spec: str | None) -> dict:
    if set_spec in (None, "licence", "language"):
        return {}
    kind, _colon, value = set_spec.partition(":")
    if kind == "licence" and value in Licence._value2member_map_:
        return {"licence": value}
    if kind == "language" and value in COURSE_LANGUAGE_CODES:
        return {"language": value}
    raise OAIError("noRecordsMatch", _("There is no set “%(set)s”.") % {"set": set_spec})


def public_courses() -> QuerySet:
    """Courses that are records: live, public, with what their metadata shows loaded alongside."""
    return (
        CoursePage.objects.live()
        .public()
        .select_related("locale")
        .prefetch_related(
            "topics",
            Prefetch(
                "credits", queryset=CourseCredit.objects.public().select_related("person"), to_attr="record_credits"
            ),
        )
    )


def course_record(course_id: int):
    """A live course or a withdrawn one by page id, or None."""
    course = public_courses().filter(pk=course_id).first()
    if course is not None:
        return course
    return WithdrawnCourse.objects.filter(page_id=course_id).first()


@dataclass
class Page:
    records: list
    #: Where the next page starts, or None when this is the last.
    next_after: tuple[str, int] | None
    complete_size: int


def _live(query: ListQuery, start, end) -> QuerySet:
    courses = public_courses().filter(**_set_filter(query.set_spec))
    if start:
        courses = courses.filter(last_published_at__gte=start)
    if end:
        courses = courses.filter(last_published_at__lte=end)
    return courses.order_by("pk")


def _withdrawn(query: ListQuery, start, end) -> QuerySet:
    withdrawn = WithdrawnCourse.objects.filter(**_set_filter(query.set_spec))
    if start:
        withdrawn = withdrawn.filter(withdrawn_at__gte=start)
    if end:
        withdrawn = withdrawn.filter(withdrawn_at__lte=end)
    return withdrawn.order_by("page_id")


def list_page(query: ListQuery) -> Page:
    """One page of the records a list request asks for; raises noRecordsMatch when there are none."""
    start, end = query.bounds()
    size = settings.OAI_PMH_PAGE_SIZE
    live, withdrawn = _live(query, start, end), _withdrawn(query, start, end)
    phase, after_id = query.after or (LIVE, 0)
    records: list = []
    if phase == LIVE:
        records = list(live.filter(pk__gt=after_id)[: size + 1])
        after_id = 0
    if len(records) <= size:
        records += list(withdrawn.filter(page_id__gt=after_id)[: size + 1 - len(records)])
    if not records:
        raise OAIError("noRecordsMatch", _("No records match the request."))
    more = len(records) > size
    records = records[:size]
    last = records[-1]
    next_after = ((WITHDRAWN, last.page_id) if isinstance(last, WithdrawnCourse) else (LIVE, last.pk)) if more else None
    complete_size = live.count() + withdrawn.count() if (more or query.after) else len(records)
    return Page(records=records, next_after=next_after, complete_size=complete_size)
