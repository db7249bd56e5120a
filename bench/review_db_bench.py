"""How long handing out the next rolling review takes: `review.rolling.next: <milliseconds> ms`.

Builds its own throwaway SQLite database (migrated from scratch) with one running circle whose
rolling-review activity has 10,000 submitted pieces of work, some already reviewed, some under a
lease (live or run out), then times ``cohorts.review.services.review_request_next`` end to end for
many different reviewers: their membership, the activity's row lock, sweeping expired leases, the
SQL queue (``Submission.objects.rolling_candidates``) and writing the new lease. Prints the median.
"""

import datetime as dt
import random
import statistics
import sys
import time

from throwaway_db import throwaway_database_setup

SUBMISSIONS = 10_000
CALLS = 300
SEED = 5


def main() -> int:
    throwaway_database_setup(prefix="lc-review-bench-")

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cohorts.models import (
        AllocationMode,
        AssignmentSource,
        AssignmentState,
        Circle,
        CircleActivity,
        CircleState,
        Membership,
        MembershipStatus,
        ReviewAssignment,
        Role,
        Submission,
        SubmissionAuthor,
        SubmissionState,
    )
    from cohorts.review.services import review_request_next
    from courses.services import catalog_ensure, course_create
    from home.services import site_tree_ensure

    rng = random.Random(SEED)
    now = timezone.now()
    User = get_user_model()
    facilitator = User.objects.create_user(username="facilitator", email="facilitator@example.org")
    catalog = catalog_ensure(home_page=site_tree_ensure().root_page)
    course = course_create(
        catalog=catalog, title="Bench course", user=facilitator, publish=True, summary="For the bench."
    )
    circle = Circle.objects.create(
        course=course,
        name="Ten thousand",
        time_zone="UTC",
        start_date=now.date(),
        weekday=0,
        meeting_time=dt.time(18, 0),
        weeks=6,
        capacity=200,
        state=CircleState.RUNNING,
        created_by=facilitator,
    )
    activity = CircleActivity.objects.create(
        circle=circle,
        activity_id="bench-activity",
        title="Bench activity",
        submission_type="text",
        reviews_per_submission=3,
        criteria=[{"id": "c", "name": "Clarity", "description": "", "levels": [], "max_score": 0}],
        allocation_mode=AllocationMode.ROLLING,
        due_at=now - dt.timedelta(days=1),
    )
    # "!" marks an unusable password: nobody signs in as these people.
    User.objects.bulk_create(
        User(username=f"learner{i}", email=f"learner{i}@example.org", password="!")  # noqa: S106
        for i in range(SUBMISSIONS)
    )
    learners = list(User.objects.filter(username__startswith="learner").order_by("pk"))
    Membership.objects.bulk_create(
        Membership(circle=circle, user=user, role=Role.LEARNER, status=MembershipStatus.ACTIVE, joined_at=now)
        for user in learners
    )
    Submission.objects.bulk_create(
        Submission(
            activity=activity,
            created_by=user,
            state=SubmissionState.SUBMITTED,
            submitted_at=now - dt.timedelta(days=3, minutes=rng.randrange(3 * 24 * 60)),
        )
        for user in learners
    )
    submissions = list(Submission.objects.filter(activity=activity).order_by("pk"))
    SubmissionAuthor.objects.bulk_create(
        SubmissionAuthor(submission=submission, activity=activity, user=user)
        for submission, user in zip(submissions, learners, strict=True)
    )
    # A queue part-way through: reviews done, live leases, leases run out.
    kinds = [
        (AssignmentState.COMPLETED, dt.timedelta(days=-1)),
        (AssignmentState.OPEN, dt.timedelta(hours=30)),
        (AssignmentState.OPEN, dt.timedelta(hours=-2)),
        (AssignmentState.EXPIRED, dt.timedelta(hours=-20)),
    ]
    assignments = []
    for index, submission in enumerate(submissions):
        reviewers = rng.sample(range(SUBMISSIONS), rng.choice([0, 0, 1, 1, 2, 3]))
        for reviewer in reviewers:
            if reviewer == index:
                continue
            state, due = rng.choice(kinds)
            assignments.append(
                ReviewAssignment(
                    activity=activity,
                    submission=submission,
                    reviewer=learners[reviewer],
                    source=AssignmentSource.ROLLING,
                    state=state,
                    assigned_at=now - dt.timedelta(days=2),
                    due_at=now + due,
                )
            )
    ReviewAssignment.objects.bulk_create(assignments, batch_size=2000)

    askers = rng.sample(learners, CALLS + 10)
    for user in askers[:10]:  # warm-up: caches, prepared statements
        review_request_next(activity=activity, user=user)
    timings = []
    for user in askers[10:]:
        start = time.perf_counter()
        assignment = review_request_next(activity=activity, user=user)
        timings.append(time.perf_counter() - start)
        assert assignment is not None and assignment.reviewer_id == user.pk
    print(f"review.rolling.next: {statistics.median(timings) * 1000:.2f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
