"""Joining, leaving, the waitlist, approvals, invitations and facilitator roles, through the services."""

import datetime as dt
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, InviteLink, Membership, MembershipStatus, Role
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def seats(circle) -> int:
    return Circle.objects.get(pk=circle.pk).seats_taken


def test_joining_takes_a_seat_and_a_full_circle_puts_people_on_the_waitlist(course):
    circle = make_circle(course=course, capacity=2)
    first, second, third = join(circle), join(circle), join(circle)
    assert [first.status, second.status, third.status] == ["active", "active", "waitlisted"]
    assert seats(circle) == 2
    # The facilitator takes no seat.
    assert Membership.objects.get(circle=circle, role=Role.FACILITATOR).takes_seat is False


def test_leaving_promotes_the_first_person_waiting_and_tells_them(course, django_capture_on_commit_callbacks):
    circle = make_circle(course=course, capacity=1)
    member = join(circle)
    waiting_first, waiting_second = join(circle), join(circle)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(circle=circle, user=member.user)
    statuses = dict(Membership.objects.filter(circle=circle).values_list("user_id", "status"))
    assert statuses[member.user_id] == "left"
    assert statuses[waiting_first.user_id] == "active"
    assert statuses[waiting_second.user_id] == "waitlisted"
    assert seats(circle) == 1
    promoted = Notification.objects.get(recipient=waiting_first.user, kind="circle.waitlist_promoted")
    assert circle.name in promoted.title
    assert not Notification.objects.filter(recipient=waiting_second.user, kind="circle.waitlist_promoted").exists()


def test_a_freed_seat_is_kept_for_the_waitlist_not_a_newcomer(course):
    circle = make_circle(course=course, capacity=1)
    member = join(circle)
    waiting = join(circle)
    # The promotion task has not run yet (no on-commit here): a newcomer must still queue.
    services.membership_leave(circle=circle, user=member.user)
    newcomer = join(circle)
    assert newcomer.status == "waitlisted"
    services.waitlist_promote(circle=circle)
    assert Membership.objects.get(pk=waiting.pk).status == "active"
    assert Membership.objects.get(pk=newcomer.pk).status == "waitlisted"


def test_waitlist_promotion_is_idempotent(course):
    circle = make_circle(course=course, capacity=1)
    member = join(circle)
    join(circle)
    services.membership_leave(circle=circle, user=member.user)
    assert len(services.waitlist_promote(circle=circle)) == 1
    assert services.waitlist_promote(circle=circle) == []
    assert seats(circle) == 1


def test_raising_the_capacity_promotes_waiting_people(course, facilitator, django_capture_on_commit_callbacks):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    join(circle)
    waiting = join(circle)
    with django_capture_on_commit_callbacks(execute=True):
        services.circle_update(circle=circle, by=facilitator, capacity=2)
    assert Membership.objects.get(pk=waiting.pk).status == "active"


def test_capacity_cannot_drop_below_the_seats_taken(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=3)
    join(circle), join(circle)
    with pytest.raises(ValidationError) as error:
        services.circle_update(circle=circle, by=facilitator, capacity=1)
    assert "capacity" in error.value.message_dict
    assert Circle.objects.get(pk=circle.pk).capacity == 3


def test_the_database_refuses_an_overfilled_circle(course):
    circle = make_circle(course=course, capacity=1)
    join(circle)
    with pytest.raises(IntegrityError), transaction.atomic():
        Circle.objects.filter(pk=circle.pk).update(seats_taken=2)


def test_joining_twice_is_refused_with_a_reason(circle):
    member = join(circle)
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_join(circle=circle, user=member.user)


def test_unverified_people_cannot_join(circle):
    unverified = UserFactory(verified=False)
    with pytest.raises(ValidationError, match="Confirm your e-mail"):
        services.membership_join(circle=circle, user=unverified)
    assert not Membership.objects.filter(user=unverified).exists()


@pytest.mark.parametrize("state", ["draft", "finished", "cancelled"])
def test_only_open_or_running_circles_take_members(course, state):
    circle = make_circle(course=course)
    Circle.objects.filter(pk=circle.pk).update(state=state)
    circle.refresh_from_db()
    with pytest.raises(ValidationError):
        join(circle)


def test_a_running_circle_takes_late_joiners_while_meetings_remain(course):
    circle = make_circle(course=course)
    Circle.objects.filter(pk=circle.pk).update(state="running")
    circle.refresh_from_db()
    assert join(circle).status == "active"
    circle.meetings.update(starts_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="meetings are over"):
        join(circle)


def test_leaving_the_waitlist_frees_no_seat(course):
    circle = make_circle(course=course, capacity=1)
    join(circle)
    waiting = join(circle)
    services.membership_leave(circle=circle, user=waiting.user)
    assert seats(circle) == 1
    assert Membership.objects.get(pk=waiting.pk).status == "left"


def test_people_who_left_can_join_again(course):
    circle = make_circle(course=course, capacity=2)
    member = join(circle)
    services.membership_leave(circle=circle, user=member.user)
    again = services.membership_join(circle=circle, user=member.user)
    assert again.pk == member.pk and again.status == "active"
    assert seats(circle) == 1


def test_the_only_facilitator_cannot_leave(circle, facilitator):
    with pytest.raises(ValidationError, match="only facilitator"):
        services.membership_leave(circle=circle, user=facilitator)


# --- Approval circles ----------------------------------------------------------------------------------


def test_approval_circle_records_a_request_and_tells_the_facilitators(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    request = join(circle, request_message="I run a library reading group.")
    assert request.status == "pending"
    assert seats(circle) == 0
    notice = Notification.objects.get(recipient=facilitator, kind="circle.join_request")
    assert notice.body == "I run a library reading group."


def test_approving_gives_a_seat_and_declining_closes_the_request(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval", capacity=1)
    first, second, third = join(circle), join(circle), join(circle)
    assert services.membership_approve(membership=first, by=facilitator).status == "active"
    assert services.membership_approve(membership=second, by=facilitator).status == "waitlisted"
    assert services.membership_decline(membership=third, by=facilitator).status == "declined"
    assert Notification.objects.filter(kind="circle.membership_changed").count() == 3
    with pytest.raises(ValidationError, match="declined your request"):
        services.membership_join(circle=circle, user=third.user)
    with pytest.raises(ValidationError, match="already answered"):
        services.membership_approve(membership=first, by=facilitator)


def test_only_facilitators_answer_requests(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval")
    request = join(circle)
    learner = join(make_circle(course=course))  # a member of another circle
    for outsider in (UserFactory(), learner.user, request.user):
        with pytest.raises(PermissionDenied):
            services.membership_approve(membership=request, by=outsider)
    assert Membership.objects.get(pk=request.pk).status == "pending"


# --- Invitations ---------------------------------------------------------------------------------------


def test_invite_only_circles_refuse_people_without_an_invitation(course):
    circle = make_circle(course=course, join_policy="invite")
    with pytest.raises(ValidationError, match="invitation"):
        join(circle)


def test_a_personal_invitation_lets_the_person_in_and_can_make_a_co_facilitator(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite", capacity=1)
    learner, co = UserFactory(), UserFactory()
    services.invitation_send(circle=circle, by=facilitator, invitee=learner)
    services.invitation_send(circle=circle, by=facilitator, invitee=co, role=Role.FACILITATOR)
    assert Notification.objects.filter(kind="circle.invited").count() == 2
    assert services.membership_join(circle=circle, user=learner).status == "active"
    co_membership = services.membership_join(circle=circle, user=co)
    assert (co_membership.status, co_membership.role) == ("active", "facilitator")
    assert seats(circle) == 1  # the co-facilitator took no seat


def test_declining_an_invitation(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    invitee = UserFactory()
    services.invitation_send(circle=circle, by=facilitator, invitee=invitee)
    assert services.invitation_decline(circle=circle, user=invitee).status == "left"
    with pytest.raises(ValidationError):
        services.membership_join(circle=circle, user=invitee)


def test_invitation_links_let_people_in_until_they_expire_or_are_withdrawn(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    token = services.invite_link_token(link)
    assert services.invite_link_resolve(token=token) == link
    assert join(circle, via_invite=True).status == "active"

    InviteLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        services.invite_link_resolve(token=token)

    fresh = services.invite_link_create(circle=circle, by=facilitator, valid_days=1)
    services.invite_link_revoke(link=fresh, by=facilitator)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invite_link_resolve(token=services.invite_link_token(fresh))


def test_forged_and_tampered_invitation_links_are_refused(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    token = services.invite_link_token(link)
    forged = signing.dumps({"link": link.pk, "circle": circle.pk}, salt="another.salt")
    for bad in (forged, token[:-2] + "xx", "not-a-token"):
        with pytest.raises(ValidationError, match="not valid"):
            services.invite_link_resolve(token=bad)
    # A link for one circle does not open another.
    other = make_circle(course=course, facilitator=facilitator)
    swapped = signing.dumps({"link": link.pk, "circle": other.pk}, salt=services.INVITE_LINK_SALT)
    with pytest.raises(ValidationError):
        services.invite_link_resolve(token=swapped)


def test_old_signatures_expire_whatever_the_row_says(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite")
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=30)
    InviteLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=365))
    token = services.invite_link_token(link)
    later = timezone.now() + dt.timedelta(days=31)
    clock = mock.patch("django.core.signing.time.time", return_value=later.timestamp())
    with clock, pytest.raises(ValidationError, match="expired"):
        services.invite_link_resolve(token=token)


def test_only_facilitators_make_or_withdraw_invitation_links(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    with pytest.raises(PermissionDenied):
        services.invite_link_create(circle=circle, by=member.user, valid_days=7)
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    with pytest.raises(PermissionDenied):
        services.invite_link_revoke(link=link, by=member.user)
    with pytest.raises(PermissionDenied):
        services.invitation_send(circle=circle, by=member.user, invitee=UserFactory())


# --- Removing members, co-facilitators and handing over --------------------------------------------------


def test_removing_a_member_frees_their_seat_for_the_waitlist(course, facilitator, django_capture_on_commit_callbacks):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    member, waiting = join(circle), join(circle)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(membership=member, by=facilitator, reason="Repeatedly disruptive.")
    assert Membership.objects.get(pk=member.pk).status == "removed"
    assert Membership.objects.get(pk=waiting.pk).status == "active"
    assert Notification.objects.get(recipient=member.user, kind="circle.membership_changed").body == (
        "Repeatedly disruptive."
    )
    with pytest.raises(ValidationError, match="removed you"):
        services.membership_join(circle=circle, user=member.user)


def test_members_cannot_remove_each_other(circle):
    first, second = join(circle), join(circle)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=second, by=first.user)
    assert Membership.objects.get(pk=second.pk).status == "active"


def test_a_co_facilitator_frees_their_learner_seat_and_may_leave(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=2)
    member = join(circle)
    services.facilitator_add(membership=member, by=facilitator)
    assert seats(circle) == 0
    assert Membership.objects.get(pk=member.pk).role == "facilitator"
    services.membership_leave(circle=circle, user=member.user)
    assert seats(circle) == 0


def test_handing_over_swaps_roles_and_seats(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    member = join(circle)
    services.facilitator_hand_over(circle=circle, by=facilitator, to=member)
    roles = dict(Membership.objects.filter(circle=circle).values_list("user_id", "role"))
    assert roles == {facilitator.pk: "learner", member.user_id: "facilitator"}
    assert seats(circle) == 1
    # The former facilitator is an ordinary member now.
    with pytest.raises(PermissionDenied):
        services.circle_message_send(circle=circle, sender=facilitator, subject="Hi", body="Still me")


def test_handing_over_to_a_co_facilitator_needs_a_free_seat(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    co = join(circle)
    services.facilitator_add(membership=co, by=facilitator)
    join(circle)  # takes the only seat
    with pytest.raises(ValidationError, match="no free seat"):
        services.facilitator_hand_over(circle=circle, by=facilitator, to=co)
    assert Membership.objects.get(circle=circle, user=facilitator).role == "facilitator"


def test_messages_reach_every_member_once(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    members = [join(circle) for _ in range(3)]
    waiting = join(make_circle(course=course))
    message = services.circle_message_send(
        circle=circle, sender=facilitator, subject="Bring a notebook", body="See you Tuesday"
    )
    told = set(Notification.objects.filter(kind="circle.message").values_list("recipient_id", flat=True))
    assert told == {m.user_id for m in members}
    assert waiting.user_id not in told
    assert message.circle_id == circle.pk
    assert Membership.objects.filter(circle=circle, status=MembershipStatus.ACTIVE).count() == 4
