"""Drafts are seen nowhere by the public, and the open API exposes course and module fields."""

import pytest

from tests.courses.factories import (
    CourseCreditFactory,
    CoursePageFactory,
    ModulePageFactory,
    RubricFactory,
    activity_block,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DRAFT_WORD = "zanzibarquokka"


@pytest.fixture
def drafts():
    """A never-published course, a draft module in a live course, and unpublished changes to a live course."""
    draft_course = CoursePageFactory(title=f"Draft course {DRAFT_WORD}", slug="draft-course", publish=False)
    live_course = CoursePageFactory(title="Live course", slug="live-course")
    draft_module = ModulePageFactory(
        parent=live_course, title=f"Draft module {DRAFT_WORD}", slug="draft-module", publish=False
    )
    live_course.summary = f"Unpublished summary {DRAFT_WORD}"
    live_course.save_revision()
    return draft_course, draft_module, live_course


class TestAnonymousSeesNoDrafts:
    def test_draft_urls_are_not_found(self, client, drafts):
        assert client.get("/courses/draft-course/").status_code == 404
        assert client.get("/courses/live-course/draft-module/").status_code == 404

    def test_not_in_the_catalog_the_course_page_or_its_metadata(self, client, drafts):
        assert DRAFT_WORD not in client.get("/courses/").text
        assert DRAFT_WORD not in client.get("/courses/live-course/").text
        assert not client.get("/courses/", {"q": DRAFT_WORD}).context["courses"]

    def test_not_in_site_search(self, client, drafts):
        response = client.get("/search/", {"q": DRAFT_WORD})
        assert response.status_code == 200
        assert not list(response.context["results"])

    def test_not_in_the_api(self, client, drafts):
        draft_course, draft_module, live_course = drafts
        listing = client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "summary"}).json()
        assert [item["title"] for item in listing["items"]] == ["Live course"]
        assert DRAFT_WORD not in str(listing)
        assert client.get(f"/api/v2/pages/{draft_course.pk}/").status_code == 404
        assert client.get(f"/api/v2/pages/{draft_module.pk}/").status_code == 404
        assert DRAFT_WORD not in client.get(f"/api/v2/pages/{live_course.pk}/").text

    def test_not_in_the_sitemap(self, client, drafts):
        sitemap = client.get("/sitemap.xml")
        assert sitemap.status_code == 200
        text = sitemap.content.decode()
        assert "/courses/live-course/" in text
        assert "draft-course" not in text and "draft-module" not in text


class TestApi:
    def test_course_detail_exposes_the_course_fields(self, client):
        course = CoursePageFactory(
            topics=["Data"], language="es", level="intermediate", estimated_hours=8, licence="CC-BY-4.0"
        )
        CourseCreditFactory(course=course, person=UserFactory(username="amara", display_name="Amara Okafor"))
        CourseCreditFactory(course=course, person=UserFactory(display_name="Pending"), accepted_at=None)
        CourseCreditFactory(course=course, person=None, external_name="Ext", external_url="javascript:alert(1)")
        data = client.get(f"/api/v2/pages/{course.pk}/").json()
        assert data["meta"]["type"] == "courses.CoursePage"
        assert data["summary"] == course.summary
        assert data["description"]
        assert [item["value"] for item in data["outcomes"]] == ["Explain the main idea", "Try it with peers"]
        assert data["topics"] == ["Data"]
        assert (data["language"], data["level"], data["estimated_hours"]) == ("es", "intermediate", 8)
        assert data["licence"] == "CC-BY-4.0"
        assert data["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
        assert data["credits"] == [
            {"name": "Amara Okafor", "role": "author", "url": "/people/amara/"},
            {"name": "Ext", "role": "author", "url": None},
        ]

    def test_module_detail_exposes_body_with_activity_ids_and_effective_licence(self, client):
        course = CoursePageFactory(licence="CC-BY-NC-SA-4.0")
        rubric = RubricFactory()
        module = ModulePageFactory(
            parent=course, licence="", body=[activity_block(rubric, block_id="44444444-4444-4444-8444-444444444444")]
        )
        data = client.get(f"/api/v2/pages/{module.pk}/").json()
        assert data["summary"] == module.summary
        assert data["duration_minutes"] == 60
        assert data["licence"] == ""
        assert data["effective_licence"] == "CC-BY-NC-SA-4.0"
        assert data["body"][0]["type"] == "activity"
        assert data["body"][0]["id"] == "44444444-4444-4444-8444-444444444444"
        assert data["body"][0]["value"]["rubric"] == rubric.pk

    def test_listing_can_ask_for_course_fields(self, client):
        CoursePageFactory(level="advanced")
        data = client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "level,licence,topics"}).json()
        assert data["items"][0]["level"] == "advanced"
        assert "licence" in data["items"][0] and "topics" in data["items"][0]
