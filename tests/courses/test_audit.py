"""Course review decisions and removed credits land in the audit trail."""

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from courses import services
from courses.models import CreditRole
from p2pu.audit.models import AuditEntry
from tests.courses.authoring_setup import coauthor, course_form_data, course_maintainer, edit_url, started_course

pytestmark = pytest.mark.django_db


def in_review(client):
    course = started_course()
    reviewer = coauthor(course, role=CreditRole.MAINTAINER)
    client.force_login(course_maintainer(course))
    assert client.post(edit_url(course), course_form_data(course) | {"action-submit": "1"}).status_code == 302
    client.force_login(reviewer)
    task_state = TaskState.objects.get(workflow_state__base_content_type__isnull=False, status="in_progress")
    return course, reviewer, task_state


@pytest.mark.parametrize(
    ("action", "recorded"), [("approve", "course.review_approved"), ("reject", "course.review_rejected")]
)
def test_a_review_decision_is_recorded_with_its_comment(client, action, recorded):
    course, reviewer, task_state = in_review(client)
    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, action, task_state.pk])
    assert client.post(url, {"comment": "Looks fine" if action == "approve" else "Fix the intro"}).status_code == 302
    entry = AuditEntry.objects.about(course).get()
    assert (entry.action, entry.actor, entry.target, entry.subject) == (
        recorded,
        reviewer,
        course_maintainer(course),
        course.specific,
    )
    assert entry.reason == ("Looks fine" if action == "approve" else "Fix the intro")


def test_removing_a_credit_is_recorded(site_tree):
    course = started_course()
    author = coauthor(course)
    maintainer = course_maintainer(course)
    services.coauthor_remove(credit=course.credits.get(person=author), removed_by=maintainer)
    entry = AuditEntry.objects.about(course).get()
    assert (entry.action, entry.actor, entry.target) == ("course.credit_removed", maintainer, author)
