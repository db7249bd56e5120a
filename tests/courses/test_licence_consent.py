"""From the credited person's side: a consent records the licences the page showed, never others."""

import pytest

from courses import services
from courses.models import CourseCredit
from tests.courses.authoring_setup import course_form_data, course_maintainer, edit_url, started_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def licence_changed_by_maintainer(client, course, licence: str) -> None:
    client.force_login(course_maintainer(course))
    assert client.post(edit_url(course), course_form_data(course, licence=licence)).status_code == 302


def test_a_credit_accepted_on_a_page_showing_an_older_licence_is_refused_with_the_reason(client):
    course = started_course(licence="CC-BY-SA-4.0")
    credit = services.external_credit_add(course=course, name="Ana Lima")
    CourseCredit.objects.filter(pk=credit.pk).update(accepted_at=None, accepted_licence="")
    client.force_login(course_maintainer(course))
    shown = client.get("/courses/credits/").context["credits"][0][3]
    assert shown == "CC-BY-SA-4.0"
    licence_changed_by_maintainer(client, course, "CC-BY-NC-4.0")

    page = client.post(f"/courses/credits/{credit.pk}/accept/", {"licences": shown}, follow=True)
    assert "changed while you were reading" in page.text and "CC BY-NC 4.0" in page.text
    credit.refresh_from_db()
    assert credit.accepted_at is None and credit.accepted_licence == ""


def test_an_accept_that_names_no_licence_records_nothing(client):
    course = started_course()
    credit = services.external_credit_add(course=course, name="Ana Lima")
    CourseCredit.objects.filter(pk=credit.pk).update(accepted_at=None, accepted_licence="")
    client.force_login(course_maintainer(course))
    client.post(f"/courses/credits/{credit.pk}/accept/")
    credit.refresh_from_db()
    assert credit.accepted_at is None


def test_an_invitation_accepted_after_the_licence_changed_is_refused(client):
    course = started_course(licence="CC-BY-SA-4.0")
    invitee = UserFactory()
    invitation = services.coauthor_invite(course=course, invited_by=course_maintainer(course), email=invitee.email)
    url = f"/courses/invitations/{invitation.token}/"
    client.force_login(invitee)
    shown = client.get(url).context["consent_terms"]
    assert f'name="licences" value="{shown}"' in client.get(url).text
    licence_changed_by_maintainer(client, course, "CC0-1.0")

    client.force_login(invitee)
    page = client.post(url, {"answer": "accept", "licences": shown}, follow=True)
    assert "changed while you were reading" in page.text
    assert not course.credits.filter(person=invitee).exists()
    # Having read the page again, they accept what it now shows.
    client.post(url, {"answer": "accept", "licences": client.get(url).context["consent_terms"]})
    credit = course.credits.get(person=invitee)
    assert "CC0-1.0" in (credit.accepted_licence, credit.accepted_next_licence)
