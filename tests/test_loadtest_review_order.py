"""The load test's over-review check (loadtest/review_order.py) against rolling review's own pure order."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cohorts.review.allocation.records import Candidate
from cohorts.review.allocation.rolling import next_submission
from loadtest.review_order import Lease, Work, excess_reviews

START = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def minutes(n: int) -> dt.datetime:
    return START + dt.timedelta(minutes=n)


def rolling(works: list[Work], requests: list[tuple[int, int]]) -> list[Lease]:
    """Hand out work as rolling review does: each request (reviewer, minute) takes the queue's first."""
    leases = []
    for reviewer, minute in sorted(requests, key=lambda r: r[1]):
        now = minutes(minute)
        own = next(w for w in works if reviewer in w.authors)
        if own.submitted_at > now:
            continue  # they have not handed in yet, so they may not review
        load = {w.id: sum(1 for lease in leases if lease.submission == w.id) for w in works}
        candidates = [
            Candidate(id=w.id, authors=w.authors, done=load[w.id], leased=0, submitted_at=w.submitted_at)
            for w in works
            if w.submitted_at <= now
        ]
        taken = {lease.submission for lease in leases if lease.reviewer == reviewer}
        chosen = next_submission(reviewer, candidates, taken)
        if chosen is not None:
            leases.append(Lease(submission=chosen.id, reviewer=reviewer, at=now))
    return leases


crowds = st.integers(min_value=2, max_value=7).flatmap(
    lambda people: st.tuples(
        st.lists(st.integers(0, 60), min_size=people, max_size=people),
        st.lists(st.tuples(st.integers(0, people - 1), st.integers(0, 90)), max_size=30),
        st.integers(1, 4),
    )
)


@given(crowds)
def test_the_rolling_queue_never_reviews_beyond_k_while_other_work_waits(crowd):
    handed_in, requests, k = crowd
    works = [Work(id=100 + i, submitted_at=minutes(m), authors=frozenset({i})) for i, m in enumerate(handed_in)]
    assert excess_reviews(works, rolling(works, requests), k=k) == []


def test_work_reviewed_beyond_k_while_other_work_waits_is_a_breach():
    works = [Work(id=100 + i, submitted_at=minutes(0), authors=frozenset({i})) for i in range(3)]
    leases = [Lease(submission=100, reviewer=1, at=minutes(1)), Lease(submission=100, reviewer=2, at=minutes(2))]
    breach = "submission 100 got review 2 of 1 while 1 other work waited for fewer"
    assert excess_reviews(works, leases, k=1) == [breach]


def test_a_late_reviewer_with_nothing_else_to_take_may_review_beyond_k():
    works = [Work(id=100 + i, submitted_at=minutes(i * 10), authors=frozenset({i})) for i in range(3)]
    leases = [
        Lease(submission=101, reviewer=0, at=minutes(11)),
        Lease(submission=100, reviewer=1, at=minutes(12)),
        Lease(submission=100, reviewer=2, at=minutes(21)),
        Lease(submission=101, reviewer=2, at=minutes(22)),
    ]
    assert excess_reviews(works, leases, k=1) == []
