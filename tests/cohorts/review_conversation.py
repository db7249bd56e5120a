"""A circle whose reviews are handed out, for the tests of inline comments and appeals.

rc, work = reviewed_circle()                  # 4 learners, 2 reviews each, handed out, none written
assignment = assignment_on(work[0], rc.learners[1])
"""

import datetime as dt

from cohorts.models import ReviewAssignment
from cohorts.review import services
from tests.cohorts.review_setup import hand_in, review_circle

#: The instant these tests run at, so rate-limit windows and deadlines never depend on the wall clock.
FROZEN_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
NAMES = ("Ana Alves", "Bea Berg", "Cai Chen", "Dev Das")
WORK_TEXT = """My plan has a **clear** goal. We meet [weekly](https://example.org/weekly) at noon.

- first, read the module
- then, share one question"""


def reviewed_circle(*, learners: int = 4, k: int = 2, anonymity: str = "", **circle_fields):
    rc = review_circle(learners=learners, k=k, names=NAMES[:learners], **circle_fields)
    if anonymity:
        rc.circle.review_anonymity = anonymity
        rc.circle.save(update_fields=["review_anonymity"])
    work = [hand_in(rc, learner, text=WORK_TEXT) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    return rc, work


def assignment_on(submission, reviewer) -> ReviewAssignment:
    return ReviewAssignment.objects.select_related("activity__circle", "submission").get(
        submission=submission, reviewer=reviewer
    )


def reviewers_of(submission) -> list:
    return [a.reviewer for a in ReviewAssignment.objects.filter(submission=submission).order_by("pk")]
