"""From the sender's side: nobody can make the site notify (and e-mail) other people without end."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts import services
from cohorts.models import Circle, CircleState, Membership, ReviewAssignment
from cohorts.review import services as review_services
from p2pu.core.rate_limits import RateLimited
from p2pu.notifications.models import Notification
from tests.cohorts.factories import make_circle
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60
#: A fixed instant, so no test's window of counting ends halfway through it.
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


def invitations_to(person) -> int:
    return Notification.objects.filter(recipient=person, kind="circle.invited").count()


def test_a_facilitator_cannot_invite_the_same_person_again_and_again(course, facilitator, settings, _frozen_clock):
    settings.CIRCLE_INVITE_RECEIVE_RATE = (3, DAY)
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    target = UserFactory()
    for _ in range(3):
        services.invitation_send(circle=circle, by=facilitator, invitee=target)
        _frozen_clock.shift(dt.timedelta(seconds=1))
    with pytest.raises(RateLimited, match="received many invitations"):
        services.invitation_send(circle=circle, by=facilitator, invitee=target)
    assert invitations_to(target) == 3


def test_another_circle_cannot_invite_the_person_past_their_allowance_either(course, settings):
    settings.CIRCLE_INVITE_RECEIVE_RATE = (2, DAY)
    target = UserFactory()
    circles = [make_circle(course=course, facilitator=UserFactory()) for _ in range(3)]
    for circle in circles[:2]:
        services.invitation_send(circle=circle, by=circle.memberships.get().user, invitee=target)
    with pytest.raises(RateLimited):
        services.invitation_send(circle=circles[2], by=circles[2].memberships.get().user, invitee=target)


def test_a_facilitator_cannot_invite_the_whole_site(course, facilitator, settings):
    settings.CIRCLE_INVITE_SEND_RATE = (3, DAY)
    circle = make_circle(course=course, facilitator=facilitator)
    people = UserFactory.create_batch(4)
    for person in people[:3]:
        services.invitation_send(circle=circle, by=facilitator, invitee=person)
    with pytest.raises(RateLimited, match="sent many invitations"):
        services.invitation_send(circle=circle, by=facilitator, invitee=people[3])
    assert invitations_to(people[3]) == 0
    assert not Membership.objects.filter(user=people[3]).exists()


def test_a_declined_invitation_is_not_repeated_until_the_cool_down_ends(course, facilitator, settings, _frozen_clock):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    target = UserFactory()
    services.invitation_send(circle=circle, by=facilitator, invitee=target)
    services.invitation_decline(circle=circle, user=target)
    with pytest.raises(RateLimited, match="declined an invitation"):
        services.invitation_send(circle=circle, by=facilitator, invitee=target)
    assert invitations_to(target) == 1
    _frozen_clock.shift(dt.timedelta(seconds=settings.INVITE_DECLINED_COOLDOWN + 1))
    Circle.objects.filter(pk=circle.pk).update(state=CircleState.OPEN)
    circle.meetings.update(starts_at=FROZEN_AT + dt.timedelta(days=40))
    services.invitation_send(circle=circle, by=facilitator, invitee=target)
    assert invitations_to(target) == 2


@pytest.mark.parametrize("state", [CircleState.FINISHED, CircleState.CANCELLED, CircleState.DRAFT])
def test_only_a_circle_that_can_take_people_invites_them(course, facilitator, state):
    circle = make_circle(course=course, facilitator=facilitator)
    Circle.objects.filter(pk=circle.pk).update(state=state)
    target = UserFactory()
    with pytest.raises(ValidationError, match="open or running"):
        services.invitation_send(circle=circle, by=facilitator, invitee=target)
    assert invitations_to(target) == 0


def test_asking_withdrawing_and_asking_again_stops_e_mailing_the_facilitators(course, facilitator, _frozen_clock):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    asker = UserFactory()
    for _ in range(2):
        services.membership_join(circle=circle, user=asker, request_message="Read this!")
        services.membership_leave(circle=circle, user=asker)
        _frozen_clock.shift(dt.timedelta(seconds=1))
    with pytest.raises(RateLimited, match="this circle several times"):
        services.membership_join(circle=circle, user=asker, request_message="Read this!")
    assert Notification.objects.filter(recipient=facilitator, kind="circle.join_request").count() == 2


def test_many_people_asking_cannot_flood_a_facilitator(course, facilitator, settings):
    settings.JOIN_REQUEST_RECEIVE_RATE = (2, DAY)
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    for _ in range(2):
        services.membership_join(circle=circle, user=UserFactory(), request_message="Hello")
    with pytest.raises(RateLimited, match="facilitators have received many requests"):
        services.membership_join(circle=circle, user=UserFactory(), request_message="Hello")


def test_a_refused_join_request_is_a_message_on_the_page_and_429_for_json(client, course, facilitator, settings):
    settings.JOIN_REQUEST_SEND_RATE = (1, DAY)
    first, second = (make_circle(course=course, facilitator=facilitator, join_policy="approval") for _ in range(2))
    asker = UserFactory()
    client.force_login(asker)
    client.post(reverse("cohorts:join", args=[first.pk]), {"request_message": "Hello"})
    page = client.post(reverse("cohorts:join", args=[second.pk]), {"request_message": "Hello"}, follow=True)
    assert page.status_code == 200
    assert "You have asked to join circles many times" in page.content.decode()
    assert not Membership.objects.filter(circle=second, user=asker).exists()
    as_json = client.post(
        reverse("cohorts:join", args=[second.pk]), {"request_message": "Hello"}, headers={"accept": "application/json"}
    )
    assert as_json.status_code == 429 and int(as_json["Retry-After"]) > 0
    assert "many times" in as_json.json()["errors"][0]


def test_circle_messages_are_limited_per_sender_and_per_circle(client, course, facilitator, settings):
    settings.CIRCLE_MESSAGE_SEND_RATE = (2, DAY)
    circle = make_circle(course=course, facilitator=facilitator)
    services.membership_join(circle=circle, user=UserFactory())
    for number in range(2):
        services.circle_message_send(circle=circle, sender=facilitator, subject=f"News {number}", body="Hi")
    client.force_login(facilitator)
    page = client.post(reverse("cohorts:message", args=[circle.pk]), {"subject": "Again", "body": "Hi"})
    assert page.status_code == 200
    assert "You have sent many messages" in page.content.decode()
    assert circle.messages.count() == 2

    settings.CIRCLE_MESSAGE_SEND_RATE = (10, DAY)
    settings.CIRCLE_MESSAGE_CIRCLE_RATE = (2, DAY)
    co_facilitator = UserFactory()
    services.invitation_send(circle=circle, by=facilitator, invitee=co_facilitator, role="facilitator")
    services.membership_join(circle=circle, user=co_facilitator)
    with pytest.raises(RateLimited, match="members have received many messages"):
        services.circle_message_send(circle=circle, sender=co_facilitator, subject="More", body="Hi")


def test_moving_a_meeting_again_and_again_stops_telling_the_members(
    course, facilitator, settings, django_capture_on_commit_callbacks
):
    settings.CIRCLE_CHANGE_NOTIFY_RATE = (2, DAY)
    circle = make_circle(course=course, facilitator=facilitator)
    member = UserFactory()
    services.membership_join(circle=circle, user=member)
    meeting = circle.meetings.order_by("starts_at").first()
    for hours in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_move(
                meeting=meeting, by=facilitator, starts_at=meeting.starts_at + dt.timedelta(hours=hours)
            )
        meeting.refresh_from_db()
    assert meeting.sequence >= 3  # every move was made
    assert Notification.objects.filter(recipient=member, kind="circle.meeting_changed").count() == 2


def test_flagging_review_after_review_is_limited(site_tree, settings):
    settings.REVIEW_FLAG_SEND_RATE = (1, 60 * 60)
    rc = review_circle(learners=4)
    work = [hand_in(rc, learner) for learner in rc.learners]
    review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    reviews = [review_done(assignment) for assignment in ReviewAssignment.objects.filter(submission=work[0])[:2]]
    review_services.review_flag(review=reviews[0], by=rc.learners[0], reason="other", explanation="Not about my work")
    with pytest.raises(RateLimited, match="flagged many reviews"):
        review_services.review_flag(review=reviews[1], by=rc.learners[0], reason="other", explanation="Again")
    assert Notification.objects.filter(recipient=rc.facilitator, kind="review.flag_raised").count() == 1
