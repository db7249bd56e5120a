"""Handing out reviews: at the deadline (beat job and button), late work, rolling leases, stuck work."""

import datetime as dt
import random
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import (
    AssignmentSource,
    AssignmentState,
    CircleActivity,
    Review,
    ReviewAssignment,
    Submission,
    SubmissionAuthor,
    SubmissionVersion,
)
from cohorts.review import notification_kinds, services, tasks
from cohorts.review.allocation import Candidate, Problem, ProblemKind, next_submission, rolling_order
from cohorts.review.services.allocation import problem_words
from p2pu.celery import app
from p2pu.notifications.models import Notification
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Where tests whose outcome turns on when things happen start: a Sunday, late in the day (UTC).
START = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """The clock stopped at START; ``clock.shift(timedelta)`` moves it on."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def close_deadline(rc, *, at=None):
    CircleActivity.objects.filter(pk=rc.activity().pk).update(due_at=at or timezone.now())


def test_the_beat_job_hands_out_k_reviews_each_once(site_tree, django_capture_on_commit_callbacks):
    rc = review_circle(learners=8)
    submissions = [hand_in(rc, learner) for learner in rc.learners]
    close_deadline(rc)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.allocate_due_reviews.delay().get() == 1
        assert tasks.allocate_due_reviews.delay().get() == 0  # idempotent: once per activity

    assignments = list(ReviewAssignment.objects.all())
    assert len(assignments) == 8 * 3
    authors = {s.pk: s.authors.get().user_id for s in submissions}
    assert all(a.reviewer_id != authors[a.submission_id] for a in assignments)
    assert len({(a.reviewer_id, a.submission_id) for a in assignments}) == len(assignments)
    assert set(Counter(a.reviewer_id for a in assignments).values()) == {3}
    assert set(Counter(a.submission_id for a in assignments).values()) == {3}
    pairs = {(a.reviewer_id, authors[a.submission_id]) for a in assignments}
    assert not any((b, a) in pairs for a, b in pairs)  # 8 >= 2k + 1: no reciprocal pairs
    activity = rc.activity()
    assert activity.allocated_at is not None and activity.allocation_problems == []

    assigned = Notification.objects.filter(kind=notification_kinds.ASSIGNED)
    assert assigned.count() == 8 and assigned.first().title.startswith("You have 3 reviews to do")
    assert Notification.objects.filter(kind=notification_kinds.ALLOCATED, recipient=rc.facilitator).count() == 1
    assert len([m for m in mail.outbox if "reviews to do" in m.subject]) == 8


def test_a_tiny_circle_gets_the_best_allocation_and_the_facilitator_a_clear_message(client, site_tree):
    rc = review_circle(learners=3, names=("Ann", "Ben", "Cat"))
    for learner in rc.learners:
        hand_in(rc, learner)
    client.force_login(rc.facilitator)
    activity = rc.activity()
    response = client.post(f"/circles/{rc.circle.pk}/activities/{activity.pk}/allocate/", follow=True)
    page = response.content.decode()
    assert "Only 3 people submitted, so each submission can get at most 2 reviews instead of 3." in page
    assert ReviewAssignment.objects.count() == 6  # everyone gives and gets 2
    activity.refresh_from_db()
    assert activity.due_at <= timezone.now()  # pressing the button closed the deadline
    assert (
        "could not guarantee"
        in client.get(f"/circles/{rc.circle.pk}/activities/{activity.pk}/progress/").content.decode()
    )
    note = Notification.objects.get(kind=notification_kinds.ALLOCATED, recipient=rc.facilitator)
    assert "at most 2 reviews" in note.body and "some could not be guaranteed" in note.title


def test_allocation_problems_name_people_not_ids(site_tree):
    rc = review_circle(learners=1, names=("Solo Learner",))
    hand_in(rc, rc.learners[0])
    problems = services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assert problems == ["Only 1 person submitted, so nobody can review their work."]


def test_allocation_problems_are_worded_with_the_names_of_the_people_involved():
    work_of, people = {7: "Ann and Ben"}, {3: "Cat"}

    def words(**fields):
        return problem_words(Problem(**fields), work_of=work_of, people=people)

    assert words(kind=ProblemKind.SUBMISSION_SHORT, submission=7, k=3, reviews=1, others=1) == (
        "The work of Ann and Ben gets only 1 of 3 reviews: only 1 of the reviewers did not write it."
    )
    assert words(kind=ProblemKind.REVIEWER_SHORT, person=3, k=3, reviews=2, others=5) == (
        "Cat gives only 2 of 3 reviews: no other submission could be given without breaking a rule."
    )
    assert words(kind=ProblemKind.REVIEWER_SHORT, person=3, k=2, reviews=0, others=0) == (
        "Cat gives only 0 of 2 reviews: every submission is their own."
    )
    assert words(kind=ProblemKind.RECIPROCAL_PAIRS, k=2, pairs=1) == (
        "1 pair of people review each other's work: the circle is too small to avoid it with 2 reviews each."
    )
    assert words(kind=ProblemKind.TOO_FEW_SUBMITTERS, k=3, people=2, reviews=1) == (
        "Only 2 people submitted, so each submission can get at most 1 review instead of 3."
    )


def test_only_facilitators_hand_out_reviews(client, site_tree):
    rc = review_circle(learners=3)
    hand_in(rc, rc.learners[0])
    for person in (rc.learners[1], UserFactory()):
        with pytest.raises(PermissionDenied):
            services.reviews_allocate_at_deadline(activity=rc.activity(), by=person)
        client.force_login(person)
        url = f"/circles/{rc.circle.pk}/activities/{rc.activity().pk}/allocate/"
        assert client.post(url).status_code in (403, 404)
    assert not ReviewAssignment.objects.exists()


def test_late_work_is_still_reviewed_by_the_least_busy(site_tree, django_capture_on_commit_callbacks, clock):
    rc = review_circle(learners=6)
    for learner in rc.learners[:5]:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)  # closes the deadline now
    clock.shift(dt.timedelta(minutes=5))
    late_author = rc.learners[5]
    with django_capture_on_commit_callbacks(execute=True):
        late = hand_in(rc, late_author)
    assert late.is_late()
    reviews = ReviewAssignment.objects.filter(submission=late)
    assert reviews.count() == 3 and set(reviews.values_list("source", flat=True)) == {AssignmentSource.LATE}
    assert late_author.pk not in reviews.values_list("reviewer_id", flat=True)
    load = Counter(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert max(load.values()) - min(load.values()) <= 1
    # Running the task again (a retry) adds nothing.
    assert tasks.allocate_late_submission.delay(late.pk).get() == 0
    assert ReviewAssignment.objects.filter(submission=late).count() == 3
    assert (
        Notification.objects.filter(kind=notification_kinds.ASSIGNED, dedupe_key__startswith="review.assigned:").count()
        >= 3
    )


def test_work_submitted_after_the_deadline_but_before_the_job_counts_as_late(site_tree, clock):
    rc = review_circle(learners=5)
    for learner in rc.learners[:4]:
        hand_in(rc, learner)
    close_deadline(rc)
    clock.shift(dt.timedelta(minutes=5))
    late = hand_in(rc, rc.learners[4])
    services.reviews_allocate_due()
    assert set(ReviewAssignment.objects.filter(submission=late).values_list("source", flat=True)) == {"late"}
    on_time_reviewers = set(ReviewAssignment.objects.filter(source="deadline").values_list("reviewer_id", flat=True))
    assert rc.learners[4].pk not in on_time_reviewers


# --- Rolling review -------------------------------------------------------------------------------


def candidates_in_python(activity, reviewer, now):
    """The pure model's view of the database: candidates with their counts, and what the reviewer holds."""
    candidates = []
    for submission in Submission.objects.filter(activity=activity, released_at__isnull=True).submitted():
        done = submission.assignments.filter(state=AssignmentState.COMPLETED).count()
        leased = (
            submission.assignments.filter(state=AssignmentState.OPEN)
            .exclude(source=AssignmentSource.ROLLING, due_at__lte=now)
            .count()
        )
        authors = frozenset(submission.authors.values_list("user_id", flat=True))
        candidates.append(Candidate(submission.pk, authors, done, leased, submission.submitted_at))
    taken = set(
        ReviewAssignment.objects.filter(reviewer=reviewer, activity=activity)
        .exclude(state=AssignmentState.EXPIRED)
        .values_list("submission_id", flat=True)
    )
    return candidates, taken


@pytest.mark.parametrize("seed", range(6))
def test_the_rolling_queue_in_sql_matches_the_pure_rolling_order(site_tree, seed):
    rng = random.Random(seed)
    rc = review_circle(learners=9, rolling=True)
    activity = rc.activity()
    now = timezone.now()
    base = now - dt.timedelta(days=3)
    submissions = []
    for learner in rc.learners:
        submission = hand_in(rc, learner)
        # Ties in waiting time on purpose, so that the id breaks them.
        submitted_at = base + dt.timedelta(hours=rng.choice([0, 1, 1, 2, 5]))
        Submission.objects.filter(pk=submission.pk).update(submitted_at=submitted_at)
        submissions.append(submission)
    states = [
        (AssignmentState.COMPLETED, "deadline", 0),
        (AssignmentState.OPEN, "rolling", 10),  # a live lease
        (AssignmentState.OPEN, "rolling", -10),  # a lease that ran out, not yet swept
        (AssignmentState.EXPIRED, "rolling", -20),
        (AssignmentState.DISCARDED, "replacement", 5),
        (AssignmentState.OPEN, "late", 48),
    ]
    for submission in submissions:
        author = submission.authors.get().user
        others = [p for p in [*rc.learners, rc.facilitator] if p != author]
        for reviewer in rng.sample(others, rng.randint(0, 4)):
            state, source, hours = rng.choice(states)
            ReviewAssignment.objects.create(
                activity=activity,
                submission=submission,
                reviewer=reviewer,
                source=source,
                state=state,
                due_at=now + dt.timedelta(hours=hours),
            )
    Submission.objects.filter(pk=rng.choice(submissions).pk).update(released_at=now)
    for reviewer in [*rc.learners, UserFactory()]:
        candidates, taken = candidates_in_python(activity, reviewer, now)
        expected = [c.id for c in rolling_order(reviewer.pk, candidates, taken)]
        in_sql = list(
            Submission.objects.rolling_candidates(activity=activity, reviewer=reviewer, now=now).values_list(
                "pk", flat=True
            )
        )
        assert in_sql == expected
        first = next_submission(reviewer.pk, candidates, taken)
        assert (first.id if first else None) == (in_sql[0] if in_sql else None)


def test_review_hands_out_the_least_reviewed_then_longest_waiting(client, site_tree):
    rc = review_circle(learners=4, rolling=True)
    first, second, third, fourth = rc.learners
    older = hand_in(rc, first)
    hand_in(rc, second)
    Submission.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - dt.timedelta(hours=5))
    hand_in(rc, third)
    hand_in(rc, fourth)
    client.force_login(third)
    response = client.post(f"{rc.activity_url}review-next/")
    lease = ReviewAssignment.objects.get(reviewer=third)
    assert response.url == lease.get_absolute_url()
    assert lease.submission == older and lease.source == "rolling"
    assert lease.due_at - lease.assigned_at == dt.timedelta(hours=48)
    # Pressing again gives back the same lease rather than a second one.
    client.post(f"{rc.activity_url}review-next/")
    assert ReviewAssignment.objects.filter(reviewer=third).count() == 1
    # The next person gets the other work waiting longest with no review under way.
    services.review_request_next(activity=rc.activity(), user=fourth)
    assert ReviewAssignment.objects.get(reviewer=fourth).submission != older


def test_the_lease_length_is_a_setting(site_tree, settings):
    settings.REVIEW_LEASE_HOURS = 6
    rc = review_circle(learners=2, rolling=True)
    hand_in(rc, rc.learners[0])
    hand_in(rc, rc.learners[1])
    lease = services.review_request_next(activity=rc.activity(), user=rc.learners[1])
    assert lease.due_at - lease.assigned_at == dt.timedelta(hours=6)


def test_an_expired_lease_gives_the_slot_back_and_keeps_the_draft(site_tree):
    rc = review_circle(learners=3, rolling=True, k=1)
    first, second, third = rc.learners
    work = hand_in(rc, first)
    hand_in(rc, second)
    hand_in(rc, third)
    Submission.objects.filter(pk=work.pk).update(submitted_at=timezone.now() - dt.timedelta(days=1))
    lease = services.review_request_next(activity=rc.activity(), user=second)
    assert lease.submission == work
    criterion = rc.criterion_ids()[0]
    services.review_save_draft(assignment=lease, by=second, overall_comment="Started", scores={criterion: (4, "")})

    later = timezone.now() + dt.timedelta(hours=49)
    assert services.review_leases_expire(now=later) == 1
    lease.refresh_from_db()
    assert lease.state == AssignmentState.EXPIRED
    # The slot is back: the same work comes first for the next reviewer.
    assert services.review_request_next(activity=rc.activity(), user=third, now=later).submission == work
    # Taking it up again, the first reviewer finds their draft moved to the new lease.
    services.review_leases_expire(now=later + dt.timedelta(hours=49))
    again = services.review_request_next(activity=rc.activity(), user=second, now=later + dt.timedelta(hours=49))
    assert again.submission == work and again.pk != lease.pk
    assert Review.objects.get(reviewer=second).assignment == again
    assert Review.objects.get(reviewer=second).overall_comment == "Started"


def test_rolling_review_needs_own_work_first_and_refuses_outsiders(site_tree):
    rc = review_circle(learners=3, rolling=True)
    hand_in(rc, rc.learners[0])
    with pytest.raises(ValidationError, match="Submit your own work first"):
        services.review_request_next(activity=rc.activity(), user=rc.learners[1])
    for person in (UserFactory(), rc.facilitator):
        with pytest.raises(PermissionDenied):
            services.review_request_next(activity=rc.activity(), user=person)
    services.submission_save_draft(activity=rc.activity(), user=rc.learners[2], text="only a draft")
    with pytest.raises(ValidationError):
        services.review_request_next(activity=rc.activity(), user=rc.learners[2])


def test_nothing_left_to_review_says_so(client, site_tree):
    rc = review_circle(learners=2, rolling=True, k=1)
    hand_in(rc, rc.learners[0])
    client.force_login(rc.learners[0])
    page = client.post(f"{rc.activity_url}review-next/", follow=True).content.decode()
    assert "Nothing is waiting for you to review right now" in page


# --- Stuck work, facilitators' own reviews, release ---------------------------------------------------


def test_stuck_work_alerts_facilitators_once_and_they_can_review_it_then_release_it(client, site_tree):
    rc = review_circle(learners=2, k=3)
    work = hand_in(rc, rc.learners[0])
    hand_in(rc, rc.learners[1])
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    activity = rc.activity()
    review_done(ReviewAssignment.objects.get(submission=work))
    assert services.submissions_stuck_alert(now=timezone.now()) == 0  # not yet D days after the deadline
    later = activity.due_at + dt.timedelta(days=activity.stuck_after_days, minutes=1)
    assert tasks.alert_stuck_submissions.delay().get() == 0
    assert services.submissions_stuck_alert(now=later) == 2
    assert services.submissions_stuck_alert(now=later) == 0
    alert = Notification.objects.get(kind=notification_kinds.STUCK, dedupe_key=f"review.stuck:{work.pk}")
    assert alert.recipient == rc.facilitator and "1 of 3 reviews" in alert.body

    client.force_login(rc.facilitator)
    response = client.post(f"/circles/{rc.circle.pk}/submissions/{work.pk}/take/")
    own = ReviewAssignment.objects.get(reviewer=rc.facilitator)
    assert response.url == own.get_absolute_url() and own.is_anchor and own.source == "facilitator"
    review_done(own, levels=(5, 5))
    assert Review.objects.get(reviewer=rc.facilitator).is_anchor

    with pytest.raises(ValidationError, match="Give reviewers until"):
        services.submission_release(submission=work, by=rc.facilitator, now=later)
    release_at = activity.releasable_at(work.submitted_at)
    with pytest.raises(PermissionDenied):
        services.submission_release(submission=work, by=rc.learners[1], now=release_at)
    services.submission_release(submission=work, by=rc.facilitator, now=release_at)
    work.refresh_from_db()
    assert work.is_released
    client.force_login(rc.learners[0])
    page = client.get(work.get_absolute_url()).content.decode()
    assert "released this work with 2 reviews instead of 3" in page


def test_reviewers_are_reminded_a_day_before_once(site_tree):
    rc = review_circle(learners=4)
    for learner in rc.learners:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    due = ReviewAssignment.objects.first().due_at
    assert services.review_reminders_send(now=due - dt.timedelta(hours=30)) == 0
    assert services.review_reminders_send(now=due - dt.timedelta(hours=20)) == 12
    assert services.review_reminders_send(now=due - dt.timedelta(hours=10)) == 0
    review_done(ReviewAssignment.objects.first())
    reminders = Notification.objects.filter(kind=notification_kinds.DUE_SOON)
    assert reminders.count() == 12
    assert reminders.first().title == "A review for “Share your plan” is due within a day"


def test_the_reminder_lead_is_a_setting(site_tree, settings):
    settings.REVIEW_REMINDER_LEAD_HOURS = 48
    rc = review_circle(learners=4)
    for learner in rc.learners:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    due = ReviewAssignment.objects.first().due_at
    assert services.review_reminders_send(now=due - dt.timedelta(hours=50)) == 0
    assert services.review_reminders_send(now=due - dt.timedelta(hours=40)) == 12
    reminder = Notification.objects.filter(kind=notification_kinds.DUE_SOON).first()
    assert reminder.title == "A review for “Share your plan” is due within 2 days"


def test_tasks_are_thin_and_tolerate_missing_rows(site_tree):
    assert tasks.allocate_late_submission.delay(987654).get() == 0
    assert tasks.expire_review_leases.delay().get() == 0
    assert tasks.send_review_reminders.delay().get() == 0


def test_celery_finds_the_review_tasks_and_the_beat_schedule_names_them(settings):
    app.loader.import_default_modules()
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in (
        "cohorts.review.tasks.allocate_due_reviews",
        "cohorts.review.tasks.expire_review_leases",
        "cohorts.review.tasks.send_review_reminders",
        "cohorts.review.tasks.alert_stuck_submissions",
    ):
        assert name in app.tasks and name in beat
    assert "cohorts.review.tasks.allocate_late_submission" in app.tasks


def test_settings_fix_the_mode_once_reviews_are_out(site_tree):
    rc = review_circle(learners=4)
    for learner in rc.learners:
        hand_in(rc, learner)
    activity = rc.activity()
    fields = {"review_days": 5, "stuck_after_days": 3, "release_after_days": 2}
    with pytest.raises(PermissionDenied):
        services.circle_activity_update(
            activity=activity, by=rc.learners[0], allocation_mode="rolling", due_at=activity.due_at, **fields
        )
    services.reviews_allocate_at_deadline(activity=activity, by=rc.facilitator)
    activity.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.circle_activity_update(
            activity=activity, by=rc.facilitator, allocation_mode="rolling", due_at=activity.due_at, **fields
        )
    assert set(refused.value.error_dict) == {"allocation_mode"}
    services.circle_activity_update(
        activity=activity, by=rc.facilitator, allocation_mode="deadline", due_at=activity.due_at, **fields
    )
    activity.refresh_from_db()
    assert activity.review_days == 5


def test_one_submission_per_person_is_the_databases_rule(site_tree):
    rc = review_circle(learners=1)
    submission = hand_in(rc, rc.learners[0])
    other = Submission.objects.create(activity=rc.activity())
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionAuthor.objects.create(submission=other, activity=rc.activity(), user=rc.learners[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionVersion.objects.create(submission=submission, number=2)
        SubmissionVersion.objects.create(submission=submission, number=3)  # two drafts at once


def test_a_facilitator_sets_the_deadline_in_their_own_time_zone(client, site_tree):
    rc = review_circle(learners=2)
    rc.facilitator.time_zone = "America/New_York"
    rc.facilitator.save(update_fields=["time_zone"])
    client.force_login(rc.facilitator)
    response = client.post(
        f"{rc.activity_url}settings/",
        {
            "allocation_mode": "rolling",
            "due_at": "2030-01-10T18:00",
            "review_days": 5,
            "stuck_after_days": 4,
            "release_after_days": 3,
        },
    )
    assert response.status_code == 302
    activity = rc.activity()
    assert activity.due_at == dt.datetime(2030, 1, 10, 23, 0, tzinfo=dt.UTC)
    assert activity.allocation_mode == "rolling" and activity.review_days == 5
    assert 'value="2030-01-10T18:00"' in client.get(rc.activity_url).content.decode()
