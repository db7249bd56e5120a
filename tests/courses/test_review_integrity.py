"""Course review from the attacker's side: nobody approves their own writing, approval publishes exactly
what was reviewed, and nothing slips new content into a version while it is under review."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Revision, TaskState, WorkflowState

from courses.models import CoursePage, CreditRole, Derivation
from courses.remix import services as remix_services
from courses.workflows import review_workflow_ensure
from tests.courses.authoring_setup import (
    coauthor,
    course_form_data,
    course_maintainer,
    edit_url,
    refused,
    site_editor,
    started_course,
)
from tests.courses.factories import course_index, text_block
from tests.courses.remix_setup import modules_of, publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def save_draft(client, page, **changes):
    response = client.post(edit_url(page), course_form_data(page, **changes))
    assert response.status_code == 302, response
    return response


def submit(client, page, **changes):
    response = client.post(edit_url(page), course_form_data(page, **changes) | {"action-submit": "Submit"})
    assert response.status_code == 302, response
    return response


def task_state_of(page) -> TaskState:
    return WorkflowState.objects.for_instance(page).get(status="in_progress").current_task_state


def approve(client, page):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state_of(page).pk])
    return client.post(url, {"comment": ""})


def actions_of(page, user) -> list[str]:
    return [name for name, *_ in task_state_of(page).task.specific.get_actions(page, user)]


class TestNoSelfApproval:
    def test_a_maintainer_cannot_approve_what_they_wrote_and_a_coauthor_submitted(self, client):
        course = started_course()
        maintainer = course_maintainer(course)
        author = coauthor(course, role=CreditRole.AUTHOR)
        client.force_login(maintainer)
        save_draft(client, course, summary="Anything I like, published by me.")
        client.force_login(author)
        submit(client, course)

        assert actions_of(course, maintainer) == []
        assert not task_state_of(course).task.specific.get_task_states_user_can_moderate(maintainer).exists()
        client.force_login(maintainer)
        assert refused(approve(client, course))
        assert not CoursePage.objects.get(pk=course.pk).live

    def test_a_second_maintainer_account_that_wrote_a_revision_cannot_approve(self, client):
        course = started_course()
        first = course_maintainer(course)
        second = coauthor(course, role=CreditRole.MAINTAINER)
        client.force_login(second)
        save_draft(client, course, summary="Written by my second account.")
        client.force_login(first)
        submit(client, course)

        client.force_login(second)
        assert refused(approve(client, course))
        assert not CoursePage.objects.get(pk=course.pk).live
        # Someone who wrote none of it still can.
        client.force_login(site_editor())
        assert approve(client, course).status_code == 302
        assert CoursePage.objects.get(pk=course.pk).live

    def test_a_maintainer_who_wrote_nothing_under_review_approves(self, client):
        course = started_course()
        reviewer = coauthor(course, role=CreditRole.MAINTAINER)
        client.force_login(course_maintainer(course))
        submit(client, course, summary="Mine alone.")
        assert actions_of(course, reviewer) == ["reject", "approve", "approve"]
        client.force_login(reviewer)
        assert approve(client, course).status_code == 302
        assert CoursePage.objects.get(pk=course.pk).live


def test_approval_publishes_the_reviewed_revision_not_a_later_one(client):
    course = started_course()
    reviewer = coauthor(course, role=CreditRole.MAINTAINER)
    client.force_login(course_maintainer(course))
    submit(client, course, summary="The version the reviewer read.")
    reviewed = task_state_of(course).revision
    # Saved after the reviewer looked, by someone else (an autosave, an editor, a script).
    later = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    later.summary = "Something nobody reviewed."
    later.save_revision(user=UserFactory())

    client.force_login(reviewer)
    assert approve(client, course).status_code == 302
    course = CoursePage.objects.get(pk=course.pk)
    assert course.live_revision_id == reviewed.pk
    assert course.summary == "The version the reviewer read."
    assert course.has_unpublished_changes


def test_upstream_changes_are_refused_while_the_copy_is_under_review():
    catalog = course_index()
    review_workflow_ensure(catalog=catalog)
    amara, dana = UserFactory(), UserFactory()
    source = published_course(licence="CC-BY-4.0", maintainer=amara, modules=["Intro"])
    remix = publish(remix_services.remix_course(source=source, user=dana, licence="CC-BY-4.0"), change_note="Mine")
    copy = publish(modules_of(remix)[0])
    publish(modules_of(source)[0], user=amara, body=[text_block("<p>Intro: a better text.</p>")], change_note="New")
    link = Derivation.objects.get(target_page=copy)

    copy.get_workflow().start(copy, dana)
    revisions = Revision.page_revisions.filter(object_id=str(copy.pk)).count()
    with pytest.raises(ValidationError, match="under review"):
        remix_services.upstream_changes_take(derivation=link, user=dana)
    assert Revision.page_revisions.filter(object_id=str(copy.pk)).count() == revisions
    link.refresh_from_db()
    assert link.taken_revision_id != modules_of(source)[0].live_revision_id
