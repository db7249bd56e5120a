"""Properties of peer-review allocation (pure functions, no database)."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cohorts.review.allocation import (
    Allocation,
    Candidate,
    Problem,
    ProblemKind,
    Submission,
    allocate_at_deadline,
    allocate_late_submission,
    next_submission,
    rolling_order,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def single_author_circle(n: int) -> list[Submission]:
    return [Submission(id=100 + i, authors=frozenset({f"p{i}"})) for i in range(n)]


@st.composite
def group_circles(draw: st.DrawFn, min_size: int = 1, max_size: int = 30) -> list[Submission]:
    """Circles where some submissions have two or three co-authors."""
    sizes = draw(st.lists(st.integers(1, 3), min_size=min_size, max_size=max_size))
    submissions, next_person = [], 0
    for index, size in enumerate(sizes):
        submissions.append(Submission(id=index, authors=frozenset(range(next_person, next_person + size))))
        next_person += size
    return submissions


def reciprocal_pairs(allocation: Allocation, submissions: list[Submission]) -> set[frozenset]:
    authors = {submission.id: submission.authors for submission in submissions}
    reviews_work_of = {
        (reviewer, author) for reviewer, submission in allocation.assignments for author in authors[submission]
    }
    return {frozenset(pair) for pair in reviews_work_of if pair[::-1] in reviews_work_of}


def assert_keeps_hard_rules(allocation: Allocation, submissions: list[Submission]) -> None:
    authors = {submission.id: submission.authors for submission in submissions}
    assert all(reviewer not in authors[submission] for reviewer, submission in allocation.assignments)
    assert len(set(allocation.assignments)) == len(allocation.assignments)
    assert Counter(r for r, _ in allocation.assignments) == +Counter(allocation.load)
    assert Counter(s for _, s in allocation.assignments) == +Counter(allocation.received)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 40), k=st.integers(1, 5), seed=seeds)
def test_single_author_circle_gives_and_gets_as_many_reviews_as_possible(n: int, k: int, seed: int) -> None:
    submissions = single_author_circle(n)
    allocation = allocate_at_deadline(submissions, k=k, seed=seed)

    assert_keeps_hard_rules(allocation, submissions)
    possible = min(k, n - 1)
    assert set(allocation.received.values()) == {possible}
    assert set(allocation.load.values()) == {possible}
    assert bool(allocation.problems) == (n < 2 * k + 1)
    kinds = [problem.kind for problem in allocation.problems]
    assert (ProblemKind.LONE_SUBMITTER in kinds) == (n == 1)
    assert (ProblemKind.TOO_FEW_SUBMITTERS in kinds) == (1 < n <= k)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 40), k=st.integers(1, 5), seed=seeds)
def test_reciprocal_pairs_only_below_2k_plus_1_and_then_as_few_as_possible(n: int, k: int, seed: int) -> None:
    submissions = single_author_circle(n)
    allocation = allocate_at_deadline(submissions, k=k, seed=seed)

    # n people giving r reviews each need n*r distinct unordered pairs to avoid reciprocity,
    # and only n*(n-1)/2 exist: every ordered pair beyond that makes a reciprocal pair.
    reviews = min(k, n - 1)
    fewest_possible = max(0, n * reviews - n * (n - 1) // 2)
    assert len(reciprocal_pairs(allocation, submissions)) == fewest_possible
    assert (fewest_possible == 0) == (n >= 2 * k + 1)
    reported = [p.pairs for p in allocation.problems if p.kind is ProblemKind.SMALL_CIRCLE_RECIPROCAL_PAIRS]
    assert reported == ([fewest_possible] if fewest_possible else [])


@settings(max_examples=100, deadline=None)
@given(submissions=group_circles(), k=st.integers(1, 4), seed=seeds)
def test_group_circles_never_review_own_or_same_work_twice(submissions: list[Submission], k: int, seed: int) -> None:
    allocation = allocate_at_deadline(submissions, k=k, seed=seed)

    assert_keeps_hard_rules(allocation, submissions)
    if all(len(submission.authors) == 1 for submission in submissions):
        return  # a one-to-one circle, covered above
    short_work = {p.submission: p.reviews for p in allocation.problems if p.kind is ProblemKind.SUBMISSION_SHORT}
    short_reviewers = {p.person: p.reviews for p in allocation.problems if p.kind is ProblemKind.REVIEWER_SHORT}
    assert short_work == {s: count for s, count in allocation.received.items() if count < k}
    assert short_reviewers == {person: load for person, load in allocation.load.items() if load < k}
    pairs = [p.pairs for p in allocation.problems if p.kind is ProblemKind.RECIPROCAL_PAIRS]
    assert pairs == (
        [len(reciprocal_pairs(allocation, submissions))] if reciprocal_pairs(allocation, submissions) else []
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data(), k=st.integers(1, 4), seed=seeds)
def test_large_enough_group_circles_are_balanced_and_free_of_reciprocal_pairs(
    data: st.DataObject, k: int, seed: int
) -> None:
    # 3k + 2 submissions is the bound the module documents (verified, not proven) for
    # groups of up to three authors.
    submissions = data.draw(group_circles(min_size=3 * k + 2, max_size=3 * k + 20))
    allocation = allocate_at_deadline(submissions, k=k, seed=seed)

    assert_keeps_hard_rules(allocation, submissions)
    assert allocation.problems == []
    assert set(allocation.load.values()) == {k}
    received = allocation.received.values()
    assert min(received) >= k
    assert max(received) - min(received) <= 1
    assert not reciprocal_pairs(allocation, submissions)


@settings(max_examples=60, deadline=None)
@given(submissions=group_circles(min_size=8, max_size=30), seed=seeds)
def test_outnumbered_reviewers_share_the_extra_work_evenly(submissions: list[Submission], seed: int) -> None:
    # Only the first author of each submission may review: fewer reviewers than submissions.
    reviewers = {min(submission.authors) for submission in submissions[: len(submissions) // 2 + 1]}
    allocation = allocate_at_deadline(submissions, reviewers=reviewers, k=2, seed=seed)

    assert_keeps_hard_rules(allocation, submissions)
    assert set(allocation.load) == reviewers
    assert set(allocation.received.values()) == {2}
    assert max(allocation.load.values()) - min(allocation.load.values()) <= 1


@settings(max_examples=40, deadline=None)
@given(submissions=group_circles(max_size=25), k=st.integers(1, 4), seed=seeds)
def test_same_seed_same_allocation_whatever_the_input_order(submissions: list[Submission], k: int, seed: int) -> None:
    shuffled = random.Random(seed).sample(submissions, len(submissions))

    assert allocate_at_deadline(shuffled, k=k, seed=seed) == allocate_at_deadline(submissions, k=k, seed=seed)


def test_different_seeds_give_different_allocations() -> None:
    submissions = single_author_circle(30)

    assert (
        allocate_at_deadline(submissions, seed=1).assignments != allocate_at_deadline(submissions, seed=2).assignments
    )


def test_tiny_circle_gets_the_best_possible_allocation_and_says_why_it_falls_short() -> None:
    allocation = allocate_at_deadline(single_author_circle(2), k=3)

    assert allocation.assignments == [("p0", 101), ("p1", 100)]
    assert allocation.problems == [
        Problem(ProblemKind.TOO_FEW_SUBMITTERS, k=3, people=2, reviews=1),
        Problem(ProblemKind.SMALL_CIRCLE_RECIPROCAL_PAIRS, k=3, people=2, pairs=1),
    ]


def test_lone_submitter_empty_circle_and_nobody_to_review() -> None:
    assert allocate_at_deadline(single_author_circle(1)).problems == [
        Problem(ProblemKind.LONE_SUBMITTER, k=3, people=1)
    ]
    assert allocate_at_deadline([]) == Allocation([], [], {}, {})
    nobody = allocate_at_deadline(single_author_circle(3), reviewers=[])
    assert (nobody.assignments, nobody.received) == ([], {100: 0, 101: 0, 102: 0})
    assert nobody.problems == [Problem(ProblemKind.NOBODY_MAY_REVIEW, k=3)]


def test_large_circle_with_groups_keeps_every_rule() -> None:
    rng = random.Random(7)
    submissions, next_person = [], 0
    for index in range(3000):
        size = rng.choice([1, 1, 1, 2, 3])
        submissions.append(Submission(id=index, authors=frozenset(range(next_person, next_person + size))))
        next_person += size
    allocation = allocate_at_deadline(submissions, k=3, seed=3)

    assert_keeps_hard_rules(allocation, submissions)
    assert allocation.problems == []
    assert set(allocation.load.values()) == {3}
    assert max(allocation.received.values()) - min(allocation.received.values()) <= 1
    assert not reciprocal_pairs(allocation, submissions)


def test_late_submission_goes_to_the_least_loaded_eligible_reviewers() -> None:
    late = Submission(id="late", authors=frozenset({"ana", "ben"}))
    load = {"ana": 0, "ben": 0, "cy": 3, "dee": 2, "eve": 1, "fay": 2}

    allocation = allocate_late_submission(late, load.keys(), load, already_reviewing={"eve"}, k=3, seed=5)

    assert allocation.assignments == [("dee", "late"), ("fay", "late")]
    assert allocation.load == {"dee": 3, "fay": 3}
    assert allocation.received == {"late": 3}
    assert allocation.problems == []


@settings(max_examples=50, deadline=None)
@given(
    load=st.dictionaries(st.integers(0, 30), st.integers(0, 5), max_size=30),
    authors=st.frozensets(st.integers(0, 30), min_size=1, max_size=3),
    k=st.integers(1, 5),
    seed=seeds,
)
def test_late_submission_never_skips_a_less_loaded_reviewer(
    load: dict[int, int], authors: frozenset[int], k: int, seed: int
) -> None:
    late = Submission(id=0, authors=authors)
    allocation = allocate_late_submission(late, load.keys(), load, k=k, seed=seed)

    chosen = {reviewer for reviewer, _ in allocation.assignments}
    eligible = set(load) - authors
    assert chosen <= eligible
    assert len(chosen) == len(allocation.assignments) == min(k, len(eligible))
    if chosen:
        assert all(load[other] >= max(load[c] for c in chosen) for other in eligible - chosen)
    shortfall = [Problem(ProblemKind.LATE_SUBMISSION_SHORT, submission=0, k=k, reviews=len(chosen))]
    assert allocation.problems == (shortfall if len(chosen) < k else [])
    assert allocation == allocate_late_submission(late, reversed(list(load)), load, k=k, seed=seed)


START = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[Candidate]:
    ids = draw(st.lists(st.integers(1, 1000), unique=True, max_size=15))
    return [
        Candidate(
            id=submission_id,
            authors=draw(st.frozensets(st.integers(0, 5), min_size=1, max_size=2)),
            done=draw(st.integers(0, 3)),
            leased=draw(st.integers(0, 2)),
            submitted_at=START + timedelta(hours=draw(st.integers(0, 5))),
        )
        for submission_id in ids
    ]


@settings(max_examples=200, deadline=None)
@given(candidates=candidate_lists(), reviewer=st.integers(0, 5), taken=st.frozensets(st.integers(1, 1000)))
def test_rolling_order_offers_least_reviewed_then_longest_waiting_never_own_or_taken(
    candidates: list[Candidate], reviewer: int, taken: frozenset[int]
) -> None:
    ranked = rolling_order(reviewer, candidates, taken)

    allowed = [c for c in candidates if reviewer not in c.authors and c.id not in taken]
    assert sorted(c.id for c in ranked) == sorted(c.id for c in allowed)
    for first, then in zip(ranked, ranked[1:], strict=False):
        first_count, then_count = first.done + first.leased, then.done + then.leased
        assert first_count <= then_count
        if first_count == then_count:
            assert (first.submitted_at, first.id) < (then.submitted_at, then.id)
    assert next_submission(reviewer, candidates, taken) == (ranked[0] if ranked else None)


def test_rolling_order_example() -> None:
    def candidate(submission_id: int, author: str, done: int, leased: int, hours: int) -> Candidate:
        return Candidate(submission_id, frozenset({author}), done, leased, START + timedelta(hours=hours))

    mine = candidate(1, "me", 0, 0, 0)
    reviewed = candidate(2, "ana", 0, 0, 0)
    busy = candidate(3, "ben", 1, 1, 0)
    waiting_long = candidate(4, "cy", 1, 0, 1)
    newer = candidate(5, "dee", 0, 1, 2)
    same_time_higher_id = candidate(6, "eve", 1, 0, 1)

    ranked = rolling_order("me", [same_time_higher_id, busy, newer, reviewed, waiting_long, mine], {2})

    assert [c.id for c in ranked] == [4, 6, 5, 3]
    assert next_submission("me", [mine], set()) is None
