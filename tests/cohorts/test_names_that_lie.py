"""From an impersonator's side: circle texts, join requests and messages keep no reversing overrides or
control characters, on the page or in the e-mails they cause."""

import pytest
from django.urls import reverse

from cohorts import services
from p2pu.notifications.models import Notification
from tests.cohorts.factories import circle_fields, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def test_a_join_request_reaches_the_facilitators_without_overrides(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    client.force_login(UserFactory())
    client.post(reverse("cohorts:join", args=[circle.pk]), {"request_message": f"Pay here{RLO}\x1b moc.live"})
    membership = circle.memberships.get(status="pending")
    assert membership.request_message == "Pay here moc.live"
    assert Notification.objects.get(recipient=facilitator, kind="circle.join_request").body == "Pay here moc.live"


def test_the_join_service_cleans_a_request_that_comes_without_a_form(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    membership = services.membership_join(circle=circle, user=UserFactory(), request_message=f"x{RLO}y")
    assert membership.request_message == "xy"


def test_circle_texts_and_messages_are_stored_clean(course, facilitator):
    circle = services.circle_create(
        course=course, created_by=facilitator, **circle_fields(name=f"Free{RLO} gift\ncards", description=f"a{RLO}\nb")
    )
    assert (circle.name, circle.description) == ("Free gift cards", "a\nb")
    circle = make_circle(course=course, facilitator=facilitator)
    message = services.circle_message_send(circle=circle, sender=facilitator, subject=f"S{RLO}ale\x00", body="B")
    assert message.subject == "Sale"


def test_names_are_isolated_where_the_circle_shows_them(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert f"<bdi>{facilitator.get_display_name()}</bdi>" in page
    assert f"<bdi>{circle.name}</bdi>" in page
