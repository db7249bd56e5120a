"""The public course pages: catalog, course and module, their metadata and their query counts."""

import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses.models import CreditRole
from tests.courses.factories import (
    CourseCreditFactory,
    CoursePageFactory,
    ModulePageFactory,
    RubricFactory,
    activity_block,
    course_index,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up: renditions are generated, site root paths cached, on the first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def json_ld(response) -> dict:
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S)
    assert match, "the page has no JSON-LD"
    return json.loads(match.group(1))


def make_courses(count: int, *, with_covers: bool = True):
    courses = []
    for n in range(count):
        cover = Image.objects.create(title=f"Cover {n}", file=get_test_image_file()) if with_covers else None
        course = CoursePageFactory(topics=["Data", f"Topic {n % 3}"], cover_image=cover, cover_image_alt="A chart")
        CourseCreditFactory(course=course)
        CourseCreditFactory(course=course, accepted_at=None, accepted_licence="")
        courses.append(course)
    return courses


class TestCatalog:
    def test_lists_live_courses_with_a_start_link(self, client):
        course = CoursePageFactory(title="Data literacy basics")
        CoursePageFactory(title="Secret draft", publish=False)
        response = client.get("/courses/")
        assert response.status_code == 200
        assert course.title in response.text
        assert "Secret draft" not in response.text
        assert re.search(r'<a class="button" href="/courses/start/">Start a course</a>', response.text)

    def test_filters_by_topic_language_level_and_licence(self, client):
        wanted = {"topics": ["Maps"], "language": "es", "level": "advanced", "licence": "CC-BY-4.0"}
        match = CoursePageFactory(title="Mapping in Spanish", **wanted)
        CoursePageFactory(title="Maps in English", **{**wanted, "language": "en"})
        CoursePageFactory(title="Beginner maps", **{**wanted, "level": "beginner"})
        CoursePageFactory(title="NC maps", **{**wanted, "licence": "CC-BY-NC-4.0"})
        CoursePageFactory(title="Untagged", **{**wanted, "topics": ["Other"]})
        response = client.get(
            "/courses/", {"topic": "maps", "language": "es", "level": "advanced", "licence": "CC-BY-4.0"}
        )
        titles = [course.title for course in response.context["courses"]]
        assert titles == [match.title]

    def test_search_finds_courses_by_words_in_their_summary(self, client):
        CoursePageFactory(title="Spreadsheets", summary="Count and chart the trees in your street.")
        CoursePageFactory(title="Poetry", summary="Read poems aloud together.")
        response = client.get("/courses/", {"q": "trees"})
        assert [course.title for course in response.context["courses"]] == ["Spreadsheets"]

    def test_search_reads_past_a_bare_symbol(self, client):
        CoursePageFactory(title="Spreadsheets", summary="Count & chart the trees in your street.")
        CoursePageFactory(title="Poetry", summary="Read poems aloud together.")
        for ordering in ({}, {"sort": "title"}):
            response = client.get("/courses/", {"q": "count & chart", **ordering})
            assert [course.title for course in response.context["courses"]] == ["Spreadsheets"], ordering
        assert list(client.get("/courses/", {"q": " & "}).context["courses"]) == []

    def test_search_combines_with_filters(self, client):
        CoursePageFactory(title="Trees in French", summary="About trees.", language="fr")
        CoursePageFactory(title="Trees in English", summary="About trees.", language="en")
        response = client.get("/courses/", {"q": "trees", "language": "fr"})
        assert [course.title for course in response.context["courses"]] == ["Trees in French"]

    def test_invalid_filter_values_show_an_error_and_do_not_break_the_page(self, client):
        CoursePageFactory()
        response = client.get("/courses/", {"level": "wizard"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.text

    def test_pagination_keeps_the_filters(self, client):
        for _ in range(course_index().courses_per_page + 1):
            CoursePageFactory(language="fr")
        response = client.get("/courses/", {"language": "fr"})
        assert response.context["page_obj"].paginator.num_pages == 2
        assert 'href="?language=fr&amp;page=2"' in response.text
        second = client.get("/courses/", {"language": "fr", "page": 2})
        assert len(second.context["courses"]) == 1

    def test_cards_show_only_accepted_credits(self, client):
        course = CoursePageFactory()
        CourseCreditFactory(course=course, person=UserFactory(display_name="Accepted Author"))
        CourseCreditFactory(
            course=course, person=UserFactory(display_name="Pending Person"), accepted_at=None, accepted_licence=""
        )
        response = client.get("/courses/")
        assert "Accepted Author" in response.text
        assert "Pending Person" not in response.text

    def test_cards_name_a_person_with_several_roles_once(self, client):
        course = CoursePageFactory()
        person = UserFactory(display_name="Bruno Silva")
        CourseCreditFactory(course=course, person=person, role=CreditRole.AUTHOR)
        CourseCreditFactory(course=course, person=person, role=CreditRole.TRANSLATOR)
        CourseCreditFactory(course=course, person=UserFactory(display_name="Chen Wei"), role=CreditRole.AUTHOR)

        response = client.get("/courses/")

        assert "By Bruno Silva, Chen Wei</p>" in response.text

    def test_query_count_does_not_grow_with_the_number_of_courses(self, client):
        make_courses(5)
        few = queries_for(client, "/courses/")
        make_courses(45)
        many = queries_for(client, "/courses/")
        assert few == many, f"{few} queries for 5 courses, {many} for 50"

    def test_search_query_count_does_not_grow_with_the_number_of_results(self, client):
        make_courses(5, with_covers=False)
        few = queries_for(client, "/courses/?q=course")
        make_courses(45, with_covers=False)
        many = queries_for(client, "/courses/?q=course")
        assert few == many, f"{few} queries for 5 results, {many} for 50"


class TestCoursePage:
    def test_shows_outline_outcomes_credits_licence_and_citation(self, client):
        course = CoursePageFactory(title="Writing for the open web", licence="CC-BY-NC-ND-4.0")
        first = ModulePageFactory(parent=course, title="Plain words")
        ModulePageFactory(parent=course, title="Draft module", publish=False)
        CourseCreditFactory(course=course, person=UserFactory(display_name="Amara Okafor"))
        CourseCreditFactory(course=course, person=UserFactory(display_name="Not Yet"), accepted_at=None)
        response = client.get(course.url)
        text = response.text
        assert first.title in text and first.url in text
        assert "Draft module" not in text
        assert "Explain the main idea" in text
        assert "Amara Okafor" in text and "Not Yet" not in text
        assert 'href="https://creativecommons.org/licenses/by-nc-nd/4.0/" rel="license"' in text
        assert (
            f"“Writing for the open web” by Amara Okafor ({settings.SITE_URL}/courses/"
            f"{course.slug}/) is licensed under CC BY-NC-ND 4.0" in text
        )

    def test_citation_names_each_person_once_whatever_their_roles(self, client):
        course = CoursePageFactory(title="Open maps", licence="CC-BY-4.0")
        chen = UserFactory(display_name="Chen Wei")
        CourseCreditFactory(course=course, person=chen, role=CreditRole.MAINTAINER)
        CourseCreditFactory(course=course, person=chen, role=CreditRole.AUTHOR)
        CourseCreditFactory(course=course, person=UserFactory(display_name="Amara Okafor"))
        module = ModulePageFactory(parent=course)
        for page in (course, module):
            response = client.get(page.url)
            assert f"“{page.title}” by Chen Wei, Amara Okafor (" in response.context["citation"]
            assert [author["name"] for author in json_ld(response)["author"]] == ["Chen Wei", "Amara Okafor"]

    def test_history_lists_published_versions_with_who_when_and_what(self, client):
        editor = UserFactory(display_name="Bruno Silva")
        course = CoursePageFactory(change_note="First version")
        course.change_note = "Clearer outcomes"
        course.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
        course.change_note = "Unpublished idea"
        course.save_revision(user=editor)
        module = ModulePageFactory(parent=course, title="Meeting well", change_note="New module")
        ModulePageFactory(parent=course, title="Hidden draft", change_note="Secret", publish=False)
        history = client.get(course.url).context["history"]
        assert [(version["title"], version["change_note"]) for version in history] == [
            (module.title, "New module"),
            (course.title, "Clearer outcomes"),
            (course.title, "First version"),
        ]
        assert history[1]["published_by"] == "Bruno Silva"
        assert history[0]["is_module"] and not history[1]["is_module"]
        text = client.get(course.url).text
        assert "Unpublished idea" not in text and "Secret" not in text

    def test_json_ld_describes_the_course_as_a_learning_resource(self, client):
        course = CoursePageFactory(
            title="Data literacy", summary="Read charts.", level="intermediate", language="es", estimated_hours=6
        )
        module = ModulePageFactory(parent=course, title="Charts")
        CourseCreditFactory(course=course, person=UserFactory(username="chen", display_name="Chen Wei"))
        data = json_ld(client.get(course.url))
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "LearningResource"
        assert data["name"] == "Data literacy"
        assert data["description"] == "Read charts."
        assert data["teaches"] == ["Explain the main idea", "Try it with peers"]
        assert data["educationalLevel"] == "Intermediate"
        assert data["inLanguage"] == "es"
        assert data["timeRequired"] == "PT6H"
        assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
        assert data["author"] == [{"@type": "Person", "name": "Chen Wei", "url": f"{settings.SITE_URL}/people/chen/"}]
        assert data["dateModified"]
        assert data["hasPart"] == [
            {
                "@type": "LearningResource",
                "learningResourceType": "Module",
                "name": "Charts",
                "url": f"{settings.SITE_URL}{module.url}",
            }
        ]

    def test_json_ld_cannot_be_broken_out_of(self, client):
        course = CoursePageFactory(title="</script><script>alert(1)</script>", summary="<!-- & -->")
        response = client.get(course.url)
        assert b"</script><script>alert(1)" not in response.content
        assert json_ld(response)["name"] == "</script><script>alert(1)</script>"

    def test_query_count_does_not_grow_with_the_number_of_modules(self, client):
        course = CoursePageFactory()
        CourseCreditFactory(course=course)
        for _ in range(3):
            ModulePageFactory(parent=course)
        few = queries_for(client, course.url)
        for _ in range(27):
            ModulePageFactory(parent=course)
        many = queries_for(client, course.url)
        assert few == many, f"{few} queries for 3 modules, {many} for 30"


class TestModulePage:
    def test_shows_body_neighbours_credits_and_effective_licence(self, client):
        course = CoursePageFactory(licence="CC-BY-4.0")
        CourseCreditFactory(course=course, person=UserFactory(display_name="Dana Cohen"))
        first = ModulePageFactory(parent=course, title="One")
        second = ModulePageFactory(parent=course, title="Two", body=[activity_block(RubricFactory(title="Fair"))])
        third = ModulePageFactory(parent=course, title="Three")
        response = client.get(second.url)
        text = response.text
        assert 'rel="prev"' in text and first.url in text
        assert 'rel="next"' in text and third.url in text
        assert "Rubric: Fair" in text
        assert "Dana Cohen" in text
        assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in text

    def test_json_ld_is_part_of_the_course(self, client):
        course = CoursePageFactory(title="Facilitating")
        module = ModulePageFactory(parent=course, duration_minutes=90, licence="CC0-1.0")
        data = json_ld(client.get(module.url))
        assert data["@type"] == "LearningResource"
        assert data["name"] == module.title
        assert data["timeRequired"] == "PT1H30M"
        assert data["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
        assert data["teaches"] == ["Describe the idea in your own words"]
        assert data["isPartOf"]["name"] == "Facilitating"
        assert data["isPartOf"]["url"] == f"{settings.SITE_URL}{course.url}"


def test_home_page_features_the_latest_live_courses(client, home_page):
    CoursePageFactory(title="Featured course")
    CoursePageFactory(title="A draft", publish=False)
    response = client.get("/")
    assert "Featured course" in response.text
    assert "A draft" not in response.text


def test_text_typed_into_course_fields_is_escaped_everywhere(client):
    script = "<script>alert('xss')</script>"
    course = CoursePageFactory(
        title=f"Course {script}", summary=script, change_note=script, outcomes=[("outcome", script)], topics=[script]
    )
    ModulePageFactory(parent=course, title=script, summary=script, objectives=[("objective", script)])
    CourseCreditFactory(course=course, person=None, external_name=script, external_url="javascript:alert(1)")
    for url in ("/courses/", course.url, f"{course.url}{course.get_children().first().slug}/"):
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "javascript:" not in html, url
