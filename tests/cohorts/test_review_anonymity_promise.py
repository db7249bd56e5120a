"""From the author's side: a reviewer promised anonymity stays anonymous, whatever changes later."""

import pytest
from django.urls import reverse

from cohorts import services as circle_services
from cohorts.models import Membership, ReviewAssignment
from cohorts.review import notification_kinds, services
from p2pu.notifications.models import Notification
from tests.cohorts.review_setup import hand_in, review_circle, review_done

pytestmark = pytest.mark.django_db


def draft(assignment):
    criterion_ids = [criterion["id"] for criterion in assignment.activity.criteria]
    services.review_save_draft(
        assignment=assignment,
        by=assignment.reviewer,
        overall_comment="Honest words",
        scores=dict.fromkeys(criterion_ids, (3, "")),
    )


@pytest.fixture
def allocated(site_tree):
    rc = review_circle(learners=3, names=("Ada Author", "Rita Reviewer", "Theo Third"))
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    return rc, work[0], ReviewAssignment.objects.filter(submission=work[0]).first()


def test_opening_reviews_after_a_draft_does_not_unmask_its_reviewer(client, allocated):
    rc, work, assignment = allocated
    draft(assignment)  # written under "the author does not see your name"
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="open", feedback_after_own_reviews=False
    )
    review_done(assignment)
    client.force_login(rc.learners[0])
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Clear goal" in page  # the review shows
    assert assignment.reviewer.get_display_name() not in page and "Reviewer 1" in page
    note = Notification.objects.get(recipient=rc.learners[0], kind=notification_kinds.RECEIVED)
    assert note.actor is None and assignment.reviewer.get_display_name() not in note.body


def test_a_double_blind_draft_keeps_the_author_hidden_after_the_circle_loosens(client, site_tree):
    rc = review_circle(learners=3, names=("Ada Author", "Rita Reviewer", "Theo Third"))
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="double_blind", feedback_after_own_reviews=False
    )
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.filter(submission=work[0]).first()
    draft(assignment)
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="reviewers_hidden", feedback_after_own_reviews=False
    )
    client.force_login(assignment.reviewer)
    assert "Ada Author" not in client.get(assignment.get_absolute_url()).content.decode()


def test_a_learner_made_co_facilitator_still_cannot_see_who_reviewed_them(client, allocated):
    rc, work, assignment = allocated
    review = review_done(assignment)
    services.review_flag(review=review, by=rc.learners[0], reason="hurtful", explanation="Rude words")
    membership = Membership.objects.get(circle=rc.circle, user=rc.learners[0])
    circle_services.facilitator_add(membership=membership, by=rc.facilitator)
    client.force_login(rc.learners[0])
    reviewer_name = assignment.reviewer.get_display_name()
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Reviewer 1" in page and reviewer_name not in page
    queue = client.get(reverse("cohorts:review:moderation", args=[rc.circle.pk])).content.decode()
    assert "An anonymous reviewer" in queue and reviewer_name not in queue
    # The other facilitator still sees who wrote it, to moderate.
    client.force_login(rc.facilitator)
    assert reviewer_name in client.get(reverse("cohorts:review:moderation", args=[rc.circle.pk])).content.decode()
