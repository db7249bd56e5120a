"""From the sender's side: co-author invitations and review requests cannot e-mail people without end."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from courses import services
from courses.models import CourseInvitation, CreditRole
from p2pu.core.rate_limits import RateLimited
from p2pu.notifications.models import Notification
from tests.courses.authoring_setup import coauthor, course_form_data, course_maintainer, edit_url, started_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60
#: A fixed instant, so no test's window of counting ends halfway through it.
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller


def test_starting_new_courses_does_not_reset_an_address_allowance(settings):
    settings.COURSE_INVITE_RECEIVE_RATE = (2, DAY)
    spammer = UserFactory()
    courses = [started_course(maintainer=spammer, title=f"Course {number}") for number in range(3)]
    for course in courses[:2]:
        services.coauthor_invite(course=course, invited_by=spammer, email="victim@example.net")
    mail.outbox.clear()
    with pytest.raises(RateLimited, match="victim@example.net has received many invitations"):
        services.coauthor_invite(course=courses[2], invited_by=spammer, email="Victim@example.net")
    assert CourseInvitation.objects.filter(course=courses[2]).count() == 0
    assert mail.outbox == []


def test_one_person_cannot_invite_address_after_address(settings):
    settings.COURSE_INVITE_SEND_RATE = (2, DAY)
    course = started_course()
    inviter = course_maintainer(course)
    for number in range(2):
        services.coauthor_invite(course=course, invited_by=inviter, email=f"person{number}@example.net")
    with pytest.raises(RateLimited, match="sent many invitations"):
        services.coauthor_invite(course=course, invited_by=inviter, email="person9@example.net")


def test_a_declined_invitation_keeps_its_inviter_away_even_from_a_new_course(client):
    course = started_course()
    inviter, invitee = course_maintainer(course), UserFactory()
    invitation = services.coauthor_invite(course=course, invited_by=inviter, email=invitee.email)
    services.invitation_decline(invitation=invitation, user=invitee)
    other_course = started_course(maintainer=inviter, title="Another one")
    client.force_login(inviter)
    response = client.post(
        reverse("courses_authoring:authors", args=[other_course.pk]),
        {"action": "invite", "email": invitee.email, "role": "author"},
    )
    assert response.status_code == 400
    assert "declined an invitation from you recently" in response.text
    assert not other_course.invitations.exists()


def test_submitting_for_review_again_and_again_stops_e_mailing_the_reviewers(client, settings):
    settings.COURSE_REVIEW_REQUEST_SEND_RATE = (1, DAY)
    maintainer = UserFactory()
    first, second = (started_course(maintainer=maintainer, title=title) for title in ("One", "Two"))
    reviewers = [coauthor(course, role=CreditRole.MAINTAINER) for course in (first, second)]
    client.force_login(maintainer)
    for course in (first, second):
        response = client.post(edit_url(course), course_form_data(course) | {"action-submit": "Submit"})
        assert response.status_code == 302
    assert WorkflowState.objects.for_instance(second).get().status == "in_progress"  # the review still starts
    told = [Notification.objects.filter(recipient=person, kind="course.review").exists() for person in reviewers]
    assert told == [True, False]
