"""Final scores and appeals: once per work, one more review, a visible outcome, and who may do what."""

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import audit_actions
from cohorts.models import AssignmentSource, FinalScore, ReviewAssignment, ScoreAppeal
from cohorts.review import notification_kinds, services
from p2pu.audit.models import AuditEntry
from p2pu.notifications.models import Notification
from tests.cohorts.review_conversation import FROZEN_AT, reviewed_circle, reviewers_of
from tests.cohorts.review_setup import review_done

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock_and_fresh_limits():
    cache.clear()
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
    cache.clear()


def all_reviews_done(work):
    for assignment in ReviewAssignment.objects.filter(submission__in=work).order_by("pk"):
        review_done(assignment, levels=(2, 3))


def appeal_url(submission) -> str:
    return reverse("cohorts:review:appeal", args=[submission.activity.circle_id, submission.pk])


def final_url(submission) -> str:
    return reverse("cohorts:review:final_score", args=[submission.activity.circle_id, submission.pk])


def levels(rc, first: int, second: int, prefix: str = "") -> dict:
    first_id, second_id = rc.criterion_ids()
    return {f"{prefix}criterion_{first_id}": str(first), f"{prefix}criterion_{second_id}": str(second)}


def test_an_author_appeals_once_a_fresh_peer_is_asked_and_the_facilitators_told(client, site_tree):
    rc, work = reviewed_circle(learners=5)
    all_reviews_done(work)
    author = rc.learners[0]
    client.force_login(author)
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "Appeal this score" in page

    response = client.post(appeal_url(work[0]), {"reason": "The second criterion ignored my timings."})
    assert response.status_code == 302
    appeal = ScoreAppeal.objects.get()
    extra = appeal.extra_assignment
    assert extra.source == AssignmentSource.APPEAL and extra.reviewer not in [author, *reviewers_of(work[0])[:2]]
    assert Notification.objects.filter(recipient=extra.reviewer, kind=notification_kinds.ASSIGNED).exists()
    told = Notification.objects.get(recipient=rc.facilitator, kind=notification_kinds.APPEAL_RAISED)
    assert "another learner was asked" in told.body

    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "One more person is reviewing the work" in page and "Appeal this score" not in page
    response = client.post(appeal_url(work[0]), {"reason": "Again!"})
    assert "already been appealed" in response.content.decode()
    with pytest.raises(ValidationError):
        services.score_appeal_raise(submission=work[0], by=author, reason="Again")
    assert ScoreAppeal.objects.count() == 1


def test_when_nobody_is_free_the_facilitators_are_asked_to_review_it_themselves(site_tree):
    rc, work = reviewed_circle(learners=3, k=2)
    all_reviews_done(work)
    appeal = services.score_appeal_raise(submission=work[0], by=rc.learners[0], reason="Please look again.")
    assert appeal.extra_assignment is None
    told = Notification.objects.get(recipient=rc.facilitator, kind=notification_kinds.APPEAL_RAISED)
    assert "please review it yourself" in told.body


def test_nobody_appeals_another_persons_score_nor_before_a_score_exists(client, site_tree):
    rc, work = reviewed_circle()
    client.force_login(rc.learners[0])
    response = client.post(appeal_url(work[0]), {"reason": "No reviews yet"})
    assert "no score to appeal yet" in response.content.decode()
    all_reviews_done(work)
    other_rc, _ = reviewed_circle()
    for person, status in [(rc.learners[1], 404), (rc.facilitator, 404), (other_rc.facilitator, 403)]:
        client.force_login(person)
        assert client.get(appeal_url(work[0])).status_code == status, person
        assert client.post(appeal_url(work[0]), {"reason": "Mine now"}).status_code == status, person
    with pytest.raises(PermissionDenied):
        services.score_appeal_raise(submission=work[0], by=rc.learners[1], reason="Not mine")
    assert not ScoreAppeal.objects.exists()


def test_a_facilitator_sets_a_final_score_with_a_reason_that_the_author_reads(client, site_tree):
    rc, work = reviewed_circle()
    all_reviews_done(work)
    client.force_login(rc.facilitator)
    assert "Set the final score" in client.get(work[0].get_absolute_url()).content.decode()
    response = client.post(final_url(work[0]), {**levels(rc, 5, 0), "reason": ""})
    assert response.status_code == 200
    assert "Please correct the errors marked below" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.final_score_set(submission=work[0], by=rc.facilitator, scores={}, reason=" ")
    assert set(refused.value.error_dict) == {f"criterion_{cid}" for cid in rc.criterion_ids()}
    assert not FinalScore.objects.exists()
    response = client.post(final_url(work[0]), {**levels(rc, 5, 4), "reason": "The timings are there."})
    assert response.status_code == 302
    final = FinalScore.objects.get()
    assert [final.scores[criterion] for criterion in rc.criterion_ids()] == [5, 4]
    entry = AuditEntry.objects.about(rc.circle).get(action=audit_actions.FINAL_SCORE_SET)
    assert (entry.actor, entry.target, entry.reason) == (rc.facilitator, rc.learners[0], "The timings are there.")

    author = rc.learners[0]
    notice = Notification.objects.get(recipient=author, kind=notification_kinds.SCORE_DECIDED)
    assert notice.body == "The timings are there."
    client.force_login(author)
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "Final score" in page and "The timings are there." in page and "5 of 5" in page


def test_only_this_circles_facilitators_set_scores_and_decide_appeals(client, site_tree):
    rc, work = reviewed_circle()
    all_reviews_done(work)
    appeal = services.score_appeal_raise(submission=work[0], by=rc.learners[0], reason="Look again.")
    other_rc, _ = reviewed_circle()
    urls = [
        final_url(work[0]),
        reverse("cohorts:review:appeals", args=[rc.circle.pk]),
        reverse("cohorts:review:appeal_resolve", args=[rc.circle.pk, appeal.pk]),
    ]
    for person in (rc.learners[0], rc.learners[1], other_rc.facilitator):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403, (person, url)
            assert (
                client.post(url, {**levels(rc, 1, 1), "reason": "x", "outcome": "upheld", "note": "x"}).status_code
                == 403
            )
    with pytest.raises(PermissionDenied):
        services.final_score_set(submission=work[0], by=rc.learners[1], scores={}, reason="x")
    with pytest.raises(PermissionDenied):
        services.score_appeal_resolve(appeal=appeal, by=rc.learners[0], outcome="upheld", note="I win")
    assert not FinalScore.objects.exists()
    appeal.refresh_from_db()
    assert not appeal.is_resolved


def test_the_facilitator_closes_an_appeal_with_a_new_score_and_the_author_sees_the_outcome(client, site_tree):
    rc, work = reviewed_circle(learners=5)
    all_reviews_done(work)
    author = rc.learners[0]
    appeal = services.score_appeal_raise(submission=work[0], by=author, reason="Look again.")
    review_done(appeal.extra_assignment, levels=(4, 4))

    client.force_login(rc.facilitator)
    listing = client.get(reverse("cohorts:review:appeals", args=[rc.circle.pk])).content.decode()
    assert "the extra review is in" in listing
    url = reverse("cohorts:review:appeal_resolve", args=[rc.circle.pk, appeal.pk])
    assert "reviewed it again" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "changed", "note": "The extra review agrees with you.", **levels(rc, 4, 4)})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "changed" and appeal.final_score.scores == dict.fromkeys(rc.criterion_ids(), 4)
    assert Notification.objects.get(recipient=author, kind=notification_kinds.SCORE_DECIDED).title.endswith(
        "the score was changed"
    )
    with pytest.raises(ValidationError):
        services.score_appeal_resolve(appeal=appeal, by=rc.facilitator, outcome="upheld", note="Changed my mind")

    client.force_login(author)
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "Outcome: the score was changed." in page and "The extra review agrees with you." in page


def test_an_upheld_appeal_needs_a_reason_and_a_changed_one_needs_levels(site_tree):
    rc, work = reviewed_circle()
    all_reviews_done(work)
    appeal = services.score_appeal_raise(submission=work[0], by=rc.learners[0], reason="Look again.")
    with pytest.raises(ValidationError) as refused:
        services.score_appeal_resolve(appeal=appeal, by=rc.facilitator, outcome="upheld", note=" ")
    assert "note" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.score_appeal_resolve(appeal=appeal, by=rc.facilitator, outcome="changed", note="Better", scores={})
    assert all(key.startswith("criterion_") for key in refused.value.error_dict)
    services.score_appeal_resolve(appeal=appeal, by=rc.facilitator, outcome="upheld", note="The scores fit the rubric.")
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld" and appeal.final_score is None
    entry = AuditEntry.objects.about(rc.circle).get(action=audit_actions.APPEAL_RESOLVED)
    assert (entry.actor, entry.target, entry.reason) == (rc.facilitator, rc.learners[0], "The scores fit the rubric.")


def test_the_appeals_list_takes_as_many_queries_for_many_appeals_as_for_one(client, site_tree):
    counts = []
    for appealing in (1, 4):
        rc, work = reviewed_circle()
        all_reviews_done(work)
        for submission, author in list(zip(work, rc.learners, strict=True))[:appealing]:
            services.score_appeal_raise(submission=submission, by=author, reason="Look again.")
        client.force_login(rc.facilitator)
        url = reverse("cohorts:review:appeals", args=[rc.circle.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
