"""What facilitators and site editors do to other people's standing lands in the audit trail, and each
circle's facilitators read their own circle's entries (nobody else does)."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.discussions import services as discussion_services
from cohorts.models import Membership, ReviewAssignment
from cohorts.review import services as review_services
from p2pu.audit.models import AuditEntry
from tests.cohorts.discussions.setup import discussion_circle
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def recorded(circle) -> list[tuple]:
    return [
        (entry.action, entry.actor_id, entry.target_id, entry.reason)
        for entry in AuditEntry.objects.about(circle).order_by("pk")
    ]


def test_facilitators_actions_on_memberships_are_recorded(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1, join_policy="approval")
    asking, declined, waiting = UserFactory(), UserFactory(), UserFactory()
    request = join(circle, asking, request_message="Hi")
    services.membership_approve(membership=request, by=facilitator)
    services.membership_decline(membership=join(circle, declined), by=facilitator)
    services.facilitator_add(membership=Membership.objects.get(pk=request.pk), by=facilitator)
    waiting_request = join(circle, waiting)
    services.membership_approve(membership=waiting_request, by=facilitator)
    services.membership_remove(membership=Membership.objects.get(pk=waiting_request.pk), by=facilitator, reason="Spam")
    invitee = UserFactory()
    services.invitation_send(circle=circle, by=facilitator, invitee=invitee)
    services.circle_cancel(circle=circle, by=facilitator, reason="Too few people")
    assert recorded(circle) == [
        ("circle.request_approved", facilitator.pk, asking.pk, ""),
        ("circle.request_declined", facilitator.pk, declined.pk, ""),
        ("circle.facilitator_added", facilitator.pk, asking.pk, ""),
        ("circle.request_approved", facilitator.pk, waiting.pk, ""),
        ("circle.member_removed", facilitator.pk, waiting.pk, "Spam"),
        ("circle.invited", facilitator.pk, invitee.pk, ""),
        ("circle.cancelled", facilitator.pk, None, "Too few people"),
    ]


def test_a_waitlist_promotion_and_a_hand_over_are_recorded(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    member, waiting = join(circle), join(circle)
    services.membership_leave(circle=circle, user=member.user)
    services.waitlist_promote(circle=circle)
    services.facilitator_hand_over(circle=circle, by=facilitator, to=Membership.objects.get(pk=waiting.pk))
    assert recorded(circle) == [
        ("circle.waitlist_promoted", None, waiting.user_id, ""),
        ("circle.handed_over", facilitator.pk, waiting.user_id, ""),
    ]


def test_hiding_a_review_and_dealing_with_its_flag_are_recorded(site_tree):
    rc = review_circle(learners=4)
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    author = rc.learners[0]
    assignment = ReviewAssignment.objects.filter(submission=work[author.pk]).first()
    review = review_done(assignment, comment="Rubbish.")
    flag = review_services.review_flag(review=review, by=author, reason="hurtful", explanation="Insulting.")
    review_services.flag_resolve(flag=flag, by=rc.facilitator, hide_review=True, ask_for_another=False, note="Rude")
    assert recorded(rc.circle) == [
        ("review.hidden", rc.facilitator.pk, assignment.reviewer_id, "Rude"),
        ("review.flag_resolved", rc.facilitator.pk, assignment.reviewer_id, "Rude"),
    ]


def test_moderating_discussion_posts_and_flags_is_recorded(site_tree):
    dc = discussion_circle()
    thread = dc.thread(dc.ann)
    reply = dc.reply(thread, dc.bob, body="Buy my course!")
    flag = discussion_services.post_flag(post=reply, by=dc.ann, reason="spam")
    discussion_services.flag_resolve(flag=flag, by=dc.facilitator)
    discussion_services.post_hide(post=reply, by=dc.facilitator, reason="Advertising")
    discussion_services.post_unhide(post=reply, by=dc.facilitator)
    assert recorded(dc.circle) == [
        ("discussion.flag_resolved", dc.facilitator.pk, dc.ann.pk, ""),
        ("discussion.post_hidden", dc.facilitator.pk, dc.bob.pk, "Advertising"),
        ("discussion.post_unhidden", dc.facilitator.pk, dc.bob.pk, ""),
    ]


def test_a_site_editor_editing_a_circle_in_the_admin_is_recorded(client, circle):
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    response = client.post(
        reverse("circles:edit", args=[circle.pk]),
        {"name": "Renamed by the editors", "description": circle.description, "listed": ""},
    )
    assert response.status_code == 302
    assert recorded(circle) == [("circle.edited_by_site_editor", editor.pk, None, "name, listed")]


class TestCirclePage:
    def url(self, circle) -> str:
        return reverse("cohorts:audit", args=[circle.pk])

    def test_facilitators_read_their_circles_entries_in_a_number_of_queries_that_does_not_grow(
        self, client, circle, facilitator, django_assert_max_num_queries
    ):
        client.force_login(facilitator)
        services.membership_remove(membership=join(circle), by=facilitator, reason="Spam")
        other = make_circle(course=circle.course)
        services.membership_remove(membership=join(other), by=other.created_by, reason="Elsewhere")
        with django_assert_max_num_queries(20) as few:
            page = client.get(self.url(circle)).text
        assert "Removed a member" in page and "Spam" in page and "Elsewhere" not in page
        for _ in range(6):
            services.membership_remove(membership=join(circle), by=facilitator, reason="More spam")
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(self.url(circle)).text
        assert page.count("More spam") == 6

    def test_a_deleted_persons_entries_read_a_former_member(self, client, circle, facilitator):
        removed = join(circle)
        services.membership_remove(membership=removed, by=facilitator, reason="Spam")
        removed.user.delete()
        client.force_login(facilitator)
        assert "a former member" in client.get(self.url(circle)).text

    def test_members_other_facilitators_and_anonymous_visitors_are_refused(self, client, circle):
        member = join(circle).user
        services.membership_remove(membership=join(circle), by=circle.created_by, reason="Spam")
        other_facilitator = make_circle(course=circle.course).created_by
        for person, statuses in ((member, {403}), (other_facilitator, {403}), (UserFactory(), {403})):
            client.force_login(person)
            response = client.get(self.url(circle))
            assert response.status_code in statuses and "Spam" not in response.text
        client.logout()
        response = client.get(self.url(circle))
        assert response.status_code == 302 and "/accounts/login/" in response.url
