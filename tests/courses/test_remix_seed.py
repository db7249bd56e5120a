"""The demo data includes a remix and a remix of a remix, made through the remix services, idempotently."""

import pytest

from courses import derivations
from courses.models import CoursePage, Derivation, ModulePage
from courses.remix import queries
from home.seed import seed_people
from home.seed_courses import seed_courses
from home.seed_remixes import seed_remixes

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(site_tree):
    seed_people()
    seed_courses()
    return seed_remixes()


def test_a_remix_and_a_remix_of_a_remix_are_published_with_their_chain(seeded, client):
    library, teens = seeded
    assert library.live and teens.live
    assert library.licence == teens.licence == "CC-BY-SA-4.0"
    assert all(module.live for module in ModulePage.objects.child_of(teens))
    lines = derivations.course_attribution(teens).lines
    assert lines[0].startswith("Adapted from “Facilitating a library study circle” by Dana Cohen")
    assert lines[1].startswith("“Facilitating a library study circle” was adapted from “Facilitating a study circle”")
    assert any("The Learning Circle Facilitator Handbook" in line for line in lines)
    assert [link.title for link in derivations.course_attribution(library).verbatim] == ["Plain words"]
    for course in (library, teens):
        assert client.get(course.url).status_code == 200
        assert client.get(f"{course.url}remixes/").status_code == 200
        assert queries.publish_refusals(course) == []


def test_seeding_again_changes_nothing(seeded):
    courses, links = CoursePage.objects.count(), Derivation.objects.count()
    assert seed_remixes() == seeded
    assert (CoursePage.objects.count(), Derivation.objects.count()) == (courses, links)
