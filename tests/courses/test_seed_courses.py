"""The demo courses: enough to explore, valid by the editor's own rules, and idempotent."""

import pytest
from django.core.management import call_command

from courses.licensing import Licence
from courses.models import CourseCredit, CoursePage, ModulePage, Rubric
from home.seed import seed_people
from home.seed_courses import seed_courses

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(site_tree):
    seed_people()
    return seed_courses()


def test_three_published_courses_of_four_or_more_modules(seeded):
    assert len(seeded) >= 3
    for course in seeded:
        assert course.live
        assert course.modules().count() >= 4, course.title


def test_licences_needed_by_the_remix_demo(seeded):
    licences = {course.licence for course in seeded}
    assert {Licence.CC_BY_SA, Licence.CC_BY_NC_ND} <= licences


def test_every_course_has_activities_with_rubrics_and_accepted_credits(seeded):
    for course in seeded:
        activities = [value for module in course.modules() for _id, value in module.activities()]
        assert activities, course.title
        assert all(isinstance(value["rubric"], Rubric) for value in activities)
        assert all(value["rubric"].course_id == course.pk for value in activities)
        assert course.credits.public().count() == course.credits.count() > 0


def test_content_passes_the_editors_validation(seeded):
    for module in ModulePage.objects.all():
        module.full_clean()
        module.body.stream_block.clean(module.body)
    for course in CoursePage.objects.all():
        course.full_clean()


def test_every_page_renders(seeded, client):
    assert client.get("/courses/").status_code == 200
    for page in [*CoursePage.objects.live(), *ModulePage.objects.live()]:
        assert client.get(page.url).status_code == 200, page.url


def test_seeding_again_changes_nothing(seeded):
    counts = (
        CoursePage.objects.count(),
        ModulePage.objects.count(),
        Rubric.objects.count(),
        CourseCredit.objects.count(),
    )
    seed_courses()
    assert counts == (
        CoursePage.objects.count(),
        ModulePage.objects.count(),
        Rubric.objects.count(),
        CourseCredit.objects.count(),
    )


def test_seed_demo_command_includes_the_courses(db, client):
    call_command("seed_demo", verbosity=0)
    response = client.get("/courses/", {"q": "study circle"})
    assert "Facilitating a study circle" in response.text
