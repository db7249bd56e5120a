"""Remixing costs a number of queries linear in the modules, with a small constant per module, and pages
that show remix attribution or a remix family do not grow with the number of sources or remixes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CoursePage
from courses.remix import services
from tests.courses.factories import ModulePageFactory, RubricFactory, activity_block, text_block
from tests.courses.remix_setup import modules_of, publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Queries per copied module: Wagtail adding a page (tree, slug check, search index), its first revision and
#: log entry, its reference index. Measured: 36 on SQLite, 35 on PostgreSQL; pinned with a little room for
#: changes in Wagtail's search backends.
PER_MODULE = 40


def course_of(size: int) -> CoursePage:
    course = published_course(modules=[])
    rubric = RubricFactory(title=f"Rubric for {size}")
    rubric.course = course
    rubric.save()
    for number in range(size):
        ModulePageFactory(
            parent=course,
            slug=f"m{number}",
            body=[text_block(f"<p>Module {number}.</p>"), activity_block(rubric=rubric)],
        )
    return CoursePage.objects.get(pk=course.pk)


def remix_queries(course) -> int:
    remixer = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        services.remix_course(source=course, user=remixer, licence="CC-BY-4.0")
    return len(queries)


def test_remixing_grows_linearly_in_modules_with_a_small_constant():
    small, large = course_of(5), course_of(50)
    five, fifty = remix_queries(small), remix_queries(large)
    assert fifty - five <= 45 * PER_MODULE
    # Not sub-linear by accident: every module really is copied.
    assert len(modules_of(CoursePage.objects.get(title=f"{large.title} (remix)"))) == 50


def _remix_family(size: int):
    original = published_course(licence="CC-BY-SA-4.0", modules=["Intro"])
    for number in range(size):
        remix = services.remix_course(
            source=original, user=UserFactory(), licence="CC-BY-SA-4.0", title=f"Remix {size}-{number}"
        )
        publish(remix, change_note="Mine")
    return original


def _page_queries(client, url) -> int:
    # The first request fills caches (site root paths, content types) that every later one shares.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_family_page_does_not_grow_with_the_number_of_remixes(client):
    two, six = _remix_family(2), _remix_family(6)
    assert _page_queries(client, f"{six.url}remixes/") == _page_queries(client, f"{two.url}remixes/")


def test_a_course_page_does_not_grow_with_the_number_of_sources(client):
    def course_with_sources(count):
        course = published_course(licence="CC-BY-4.0", modules=[])
        for number in range(count):
            services.external_source_add(
                target=course,
                user=UserFactory(),
                url=f"https://example.org/{number}",
                title=f"Work {number}",
                author="Someone",
                licence="CC-BY-4.0",
            )
        return course

    assert _page_queries(client, course_with_sources(6).url) == _page_queries(client, course_with_sources(1).url)
