"""The course models: page tree rules, activities, rubrics, licences and credits."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.test.utils import WagtailTestUtils

from courses.models import CourseCredit, CourseIndexPage, CoursePage, ModulePage, Rubric
from home.models import HomePage
from tests.courses.factories import (
    CourseCreditFactory,
    CoursePageFactory,
    ModulePageFactory,
    RubricFactory,
    activity_block,
    course_index,
    criteria,
    heading_block,
    text_block,
)

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailTestUtils):
    def test_catalog_lives_under_the_home_page_only_once(self, home_page):
        assert CourseIndexPage.can_create_at(home_page)
        course_index()
        assert not CourseIndexPage.can_create_at(home_page), "max_count is 1"
        assert CourseIndexPage.allowed_parent_page_models() == [HomePage]

    def test_course_only_under_the_catalog(self, home_page):
        assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
        assert CoursePage.can_create_at(course_index())
        assert not CoursePage.can_create_at(home_page)

    def test_module_only_under_a_course_and_has_no_children(self, home_page):
        course = CoursePageFactory()
        assert ModulePage.can_create_at(course)
        assert not ModulePage.can_create_at(course_index())
        assert not ModulePage.can_create_at(home_page)
        assert ModulePage.allowed_subpage_models() == []
        assert CoursePage.allowed_subpage_models() == [ModulePage]

    def test_catalog_accepts_only_courses(self, site_tree):
        assert CourseIndexPage.allowed_subpage_models() == [CoursePage]


class TestModulePage:
    def test_activities_are_found_by_their_stable_block_id(self):
        rubric = RubricFactory()
        module = ModulePageFactory(
            body=[
                heading_block("Plan"),
                activity_block(rubric, block_id="11111111-1111-4111-8111-111111111111", title="First"),
                text_block("<p>Between.</p>"),
                activity_block(None, block_id="22222222-2222-4222-8222-222222222222", title="Second"),
            ]
        )
        activities = ModulePage.objects.get(pk=module.pk).activities()
        assert [(block_id, value["title"]) for block_id, value in activities] == [
            ("11111111-1111-4111-8111-111111111111", "First"),
            ("22222222-2222-4222-8222-222222222222", "Second"),
        ]
        assert activities[0][1]["rubric"] == rubric
        assert module.activity("22222222-2222-4222-8222-222222222222")["title"] == "Second"
        assert module.activity("no-such-id") is None

    def test_block_ids_survive_a_new_revision(self):
        module = ModulePageFactory(body=[activity_block(None, block_id="33333333-3333-4333-8333-333333333333")])
        module.title = "Renamed"
        module.save_revision().publish()
        assert ModulePage.objects.get(pk=module.pk).activities()[0][0] == "33333333-3333-4333-8333-333333333333"

    def test_licence_defaults_to_the_courses(self):
        course = CoursePageFactory(licence="CC-BY-NC-ND-4.0")
        inheriting = ModulePageFactory(parent=course, licence="")
        own = ModulePageFactory(parent=course, licence="CC-BY-4.0")
        assert ModulePage.objects.get(pk=inheriting.pk).effective_licence == "CC-BY-NC-ND-4.0"
        assert own.effective_licence == "CC-BY-4.0"
        assert inheriting.effective_licence_url == "https://creativecommons.org/licenses/by-nc-nd/4.0/"

    def test_previous_and_next_skip_drafts(self):
        course = CoursePageFactory()
        first = ModulePageFactory(parent=course)
        ModulePageFactory(parent=course, publish=False)
        third = ModulePageFactory(parent=course)
        assert first.previous_module() is None
        assert first.next_module() == third
        assert third.previous_module() == first
        assert third.next_module() is None
        assert list(course.modules()) == [first, third]


class TestRubric:
    def test_criteria_list_is_plain_data_with_levels_in_score_order(self):
        rubric = RubricFactory(criteria=criteria("Clarity", scores=(3, 1, 2)) + criteria("Evidence", scores=(0, 4)))
        rubric = Rubric.objects.get(pk=rubric.pk)
        data = rubric.criteria_list()
        assert [c["name"] for c in data] == ["Clarity", "Evidence"]
        assert [level["score"] for level in data[0]["levels"]] == [1, 2, 3]
        assert data[0]["max_score"] == 3 and data[1]["max_score"] == 4
        assert rubric.max_score() == 7
        assert data[0]["id"] == rubric.criteria[0].id

    def test_rubric_keeps_revisions(self):
        rubric = RubricFactory()
        rubric.title = "Changed"
        rubric.save()
        rubric.save_revision()
        assert rubric.revisions.count() == 2
        assert rubric.revisions.order_by("pk").first().as_object().title != "Changed"

    def test_duplicate_level_scores_are_refused(self):
        block = Rubric._meta.get_field("criteria").stream_block.child_blocks["criterion"]
        value = block.to_python(criteria("Clarity", scores=(1, 1))[0]["value"])
        with pytest.raises(ValidationError):
            block.clean(value)

    def test_activity_with_peer_review_needs_a_rubric(self):
        block = ModulePage._meta.get_field("body").stream_block.child_blocks["activity"]
        value = block.to_python(activity_block(None, reviews_per_submission=3)["value"])
        with pytest.raises(ValidationError):
            block.clean(value)
        block.clean(block.to_python(activity_block(None, reviews_per_submission=0)["value"]))


class TestCredits:
    def test_only_credits_accepted_for_the_current_licence_are_public(self, user, other_user):
        course = CoursePageFactory(licence="CC-BY-4.0")
        accepted = CourseCreditFactory(course=course, person=user)
        CourseCreditFactory(course=course, person=other_user, accepted_at=None, accepted_licence="")
        CourseCreditFactory(course=course, person=None, external_name="Old Licence", accepted_licence="CC0-1.0")
        assert list(course.credits.public()) == [accepted]
        assert course.credits.pending().count() == 2

    def test_a_credit_names_a_person_or_an_external_name(self):
        course = CoursePageFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            CourseCredit.objects.create(course=course, role="author")
        external = CourseCredit.objects.create(
            course=course, external_name="Ana Lima", external_url="https://ana.example", accepted_at=timezone.now()
        )
        assert external.name == "Ana Lima" and external.url == "https://ana.example"
