"""Who reviews which submission: at the deadline, for late work, and on request (rolling).

Pure functions without Django: the cohorts app turns their results into review
assignments, words their :class:`Problem` records for people, and tests its SQL for
rolling review against :func:`rolling_order`.

**Deadline allocation** puts the submissions in a random order (drawn from ``seed``) and
lets the author of the submission at position ``i`` review the submissions at positions
``i + s_1, ..., i + s_k`` (mod ``n``): a shuffled circular shift. Each offset maps
positions one-to-one, so every person gives and every submission receives exactly ``k``
reviews; the offsets are distinct and non-zero, so nobody reviews their own work or the
same work twice. Offsets are never ``n/2`` and never both ``s`` and ``n - s``, so nobody
reviews the work of someone who reviews theirs (a *reciprocal pair*).

Guarantee on reciprocal pairs, for single-author submissions: there are none whenever
``n >= 2k + 1``. That bound is tight: ``n`` people giving ``k`` reviews each make ``n k``
ordered pairs, and without reciprocity they need ``n k <= n (n - 1) / 2`` distinct
unordered pairs. Below it, the offsets chosen give the fewest reciprocal pairs possible.

Circles with group (co-authored) submissions, reviewers without a submission, or authors
who may not review do not fit a one-to-one circle. There, review slots are dealt out at
random with the same balanced loads, and slots that break a rule are repaired by swapping
submissions between two slots (which keeps every load as it is). A rule that no swap can
satisfy is reported in ``problems``; a small circle where reciprocal pairs remain is dealt
afresh a few times. This is verified rather than proven: with groups of up to three
authors, the tests find no reciprocal pair once there are ``3k + 2`` submissions or more,
while below that some group circles cannot avoid them at all (``k = 1`` with group sizes
1, 3, 3, 1 is one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeAlias

import numpy as np

PersonId: TypeAlias = int | str
SubmissionId: TypeAlias = int | str

# Random partners tried before falling back to scanning every slot when repairing one slot;
# in a large circle almost every partner works, so the first few tries succeed.
_RANDOM_SWAP_TRIES = 64
# Upper bound on partners scanned for one slot, so that a circle where a rule cannot be met
# costs linear rather than quadratic time.
_MAX_SWAP_SCAN = 5000
# Fresh deals tried in a small circle that still has reciprocal pairs after repair.
_DEAL_ATTEMPTS = 20


@dataclass(frozen=True)
class Submission:
    """Work handed in for review; ``authors`` holds every co-author."""

    id: SubmissionId
    authors: frozenset[PersonId]


class ProblemKind(Enum):
    """Ways an allocation can fall short of the rules."""

    #: Nobody may review, so no submission gets a review.
    NOBODY_MAY_REVIEW = "nobody_may_review"
    #: Only one person submitted (``people`` is 1), so nobody can review their work.
    LONE_SUBMITTER = "lone_submitter"
    #: Only ``people`` submitted, so each submission gets at most ``reviews`` (< ``k``).
    TOO_FEW_SUBMITTERS = "too_few_submitters"
    #: ``pairs`` pairs review each other's work in a circle of ``people`` (one author each);
    #: avoiding that takes ``2 k + 1`` people.
    SMALL_CIRCLE_RECIPROCAL_PAIRS = "small_circle_reciprocal_pairs"
    #: ``pairs`` pairs of people review each other's work (circles with groups or odd reviewers).
    RECIPROCAL_PAIRS = "reciprocal_pairs"
    #: ``submission`` gets only ``reviews`` of ``k``; ``others`` reviewers did not write it.
    SUBMISSION_SHORT = "submission_short"
    #: ``person`` gives only ``reviews`` of ``k``; ``others`` submissions are by someone else.
    REVIEWER_SHORT = "reviewer_short"
    #: Late ``submission`` gets only ``reviews`` of ``k``: nobody else who did not write it may review it.
    LATE_SUBMISSION_SHORT = "late_submission_short"


@dataclass(frozen=True)
class Problem:
    """One place where an allocation falls short of the rules, with the ids and numbers involved.

    Only the fields its ``kind`` describes are set; the caller words it for people.
    """

    kind: ProblemKind
    submission: SubmissionId | None = None
    person: PersonId | None = None
    k: int = 0
    reviews: int = 0
    others: int = 0
    people: int = 0
    pairs: int = 0


@dataclass(frozen=True)
class Allocation:
    """Result of an allocation.

    ``assignments`` holds ``(reviewer, submission id)`` pairs sorted by reviewer, then
    submission. ``problems`` says where the result falls short of the rules (empty when it
    does not). ``load`` counts the reviews each reviewer gives and ``received`` the reviews
    each submission gets.
    """

    assignments: list[tuple[PersonId, SubmissionId]]
    problems: list[Problem]
    load: dict[PersonId, int]
    received: dict[SubmissionId, int]


@dataclass(frozen=True)
class Candidate:
    """A submission open for rolling review, with its review counts right now."""

    id: SubmissionId
    authors: frozenset[PersonId]
    done: int
    leased: int
    submitted_at: datetime


def allocate_at_deadline(
    submissions: Iterable[Submission],
    reviewers: Iterable[PersonId] | None = None,
    k: int = 3,
    seed: int = 0,
) -> Allocation:
    """Allocate ``k`` reviews per submission and per reviewer for everything on time.

    ``reviewers`` are the people who may review; by default every author. Each gives ``k``
    reviews and each submission gets ``k``; when co-authors make reviewers outnumber
    submissions, submissions get more, and when reviewers are outnumbered, they give more.
    Loads on each side differ by at most one unless the rules leave too few choices (then
    ``problems`` says so). The result depends only on the inputs and ``seed``, not on their
    order.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    submission_list = list(submissions)
    authors_of = {submission.id: submission.authors for submission in submission_list}
    if len(authors_of) != len(submission_list):
        raise ValueError("submission ids must be unique")
    submission_ids = _sorted_ids(authors_of)
    people = _sorted_ids(
        set(reviewers) if reviewers is not None else {a for authors in authors_of.values() for a in authors}
    )
    person_index = {person: index for index, person in enumerate(people)}
    # Authors who may not review never create a conflict, so only eligible ones matter.
    reviewing_authors = [
        tuple(sorted(person_index[a] for a in authors_of[submission] if a in person_index))
        for submission in submission_ids
    ]
    rng = np.random.default_rng(seed)

    if not submission_ids:
        return Allocation([], [], dict.fromkeys(people, 0), {})
    if not people:
        problems = [Problem(ProblemKind.NOBODY_MAY_REVIEW, k=k)]
        return Allocation([], problems, {}, dict.fromkeys(submission_ids, 0))
    if _is_one_to_one(reviewing_authors, len(people)):
        author_of = np.array([authors[0] for authors in reviewing_authors])
        reviewer_slots, submission_slots, problems = _circular_shift(author_of, k, rng)
    else:
        reviewer_slots, submission_slots = _deal_and_repair(reviewing_authors, len(people), k, rng)
        problems = None

    by_reviewer = np.lexsort((submission_slots, reviewer_slots))
    reviewer_slots = reviewer_slots[by_reviewer]
    submission_slots = submission_slots[by_reviewer]
    load = np.bincount(reviewer_slots, minlength=len(people)).tolist()
    received = np.bincount(submission_slots, minlength=len(submission_ids)).tolist()
    if problems is None:
        problems = _shortfalls(people, submission_ids, reviewing_authors, load, received, k) + _reciprocity(
            reviewer_slots, submission_slots, reviewing_authors, len(people), k
        )
    return Allocation(
        assignments=list(
            zip(
                _object_array(people)[reviewer_slots].tolist(),
                _object_array(submission_ids)[submission_slots].tolist(),
                strict=True,
            )
        ),
        problems=problems,
        load=dict(zip(people, load, strict=True)),
        received=dict(zip(submission_ids, received, strict=True)),
    )


def allocate_late_submission(
    submission: Submission,
    reviewers: Iterable[PersonId],
    load: Mapping[PersonId, int],
    already_reviewing: Collection[PersonId] = (),
    k: int = 3,
    seed: int = 0,
) -> Allocation:
    """Choose reviewers for a submission that arrives after the deadline.

    Tops the submission up to ``k`` reviews (counting ``already_reviewing``) with the
    eligible ``reviewers`` who give the fewest reviews so far (``load``; missing means none),
    never an author and never someone already reviewing it. Ties are broken in a random
    order drawn from ``seed``, so the same people are not always picked first.
    """
    candidates = sorted(
        {person for person in reviewers if person not in submission.authors and person not in already_reviewing},
        key=id_sort_key,
    )
    tie_break = np.random.default_rng(seed).permutation(len(candidates)).tolist()
    ranked = sorted(
        zip(candidates, tie_break, strict=True),
        key=lambda pair: (load.get(pair[0], 0), pair[1]),
    )
    wanted = max(0, k - len(already_reviewing))
    chosen = [person for person, _ in ranked[:wanted]]
    received = len(already_reviewing) + len(chosen)
    problems = []
    if received < k:
        problems.append(Problem(ProblemKind.LATE_SUBMISSION_SHORT, submission=submission.id, k=k, reviews=received))
    return Allocation(
        assignments=[(person, submission.id) for person in sorted(chosen, key=id_sort_key)],
        problems=problems,
        load={person: load.get(person, 0) + 1 for person in chosen},
        received={submission.id: received},
    )


def rolling_order(
    reviewer: PersonId, candidates: Iterable[Candidate], already_taken: Collection[SubmissionId]
) -> list[Candidate]:
    """Submissions ``reviewer`` may take, the one to offer first at the front.

    Leaves out their own work and what they already reviewed or hold a lease on
    (``already_taken``); then fewest reviews done or under way first, then the one waiting
    longest, then the lowest id.
    """
    return sorted(
        (
            candidate
            for candidate in candidates
            if reviewer not in candidate.authors and candidate.id not in already_taken
        ),
        key=lambda c: (c.done + c.leased, c.submitted_at, id_sort_key(c.id)),
    )


def next_submission(
    reviewer: PersonId, candidates: Iterable[Candidate], already_taken: Collection[SubmissionId]
) -> Candidate | None:
    """The submission to offer ``reviewer`` next in rolling review, or None if none is left."""
    ranked = rolling_order(reviewer, candidates, already_taken)
    return ranked[0] if ranked else None


def id_sort_key(value: PersonId | SubmissionId) -> tuple[bool, PersonId | SubmissionId]:
    """Sort key for ids that orders integers and strings even when they are mixed."""
    return (isinstance(value, str), value)


def _sorted_ids(ids: Collection[PersonId]) -> list[PersonId]:
    try:
        return sorted(ids)
    except TypeError:  # integers mixed with strings
        return sorted(ids, key=id_sort_key)


def _object_array(values: Sequence[PersonId]) -> np.ndarray:
    """Ids as a numpy array, so that a whole column of slots can be looked up at once."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _is_one_to_one(reviewing_authors: Sequence[tuple[int, ...]], n_people: int) -> bool:
    """Whether each submission has one reviewing author and each reviewer one submission."""
    if len(reviewing_authors) != n_people or any(len(a) != 1 for a in reviewing_authors):
        return False
    return len({authors[0] for authors in reviewing_authors}) == n_people


def _circular_shift(
    author_of: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Reviewer and submission index per slot for a one-to-one circle, with its problems."""
    n = len(author_of)
    order = rng.permutation(n)
    offsets, reciprocal_pairs = _choose_offsets(n, k, rng)
    positions = np.arange(n)
    reviewer_slots = np.tile(author_of[order], len(offsets))
    submission_slots = np.concatenate(
        [order[(positions + offset) % n] for offset in offsets] or [np.empty(0, dtype=int)]
    )
    problems = []
    if n == 1:
        problems.append(Problem(ProblemKind.LONE_SUBMITTER, k=k, people=1))
    elif n - 1 < k:
        problems.append(Problem(ProblemKind.TOO_FEW_SUBMITTERS, k=k, people=n, reviews=n - 1))
    if reciprocal_pairs:
        problems.append(Problem(ProblemKind.SMALL_CIRCLE_RECIPROCAL_PAIRS, k=k, people=n, pairs=reciprocal_pairs))
    return reviewer_slots, submission_slots, problems


def _choose_offsets(n: int, k: int, rng: np.random.Generator) -> tuple[list[int], int]:
    """Distinct offsets in ``1..n-1`` for a circle of ``n``, and the reciprocal pairs they make.

    Offsets ``s`` and ``n - s`` form a class; using one member of a class is free, while
    ``n/2`` (its own class) makes ``n/2`` reciprocal pairs and a class's second member ``n``.
    Taking them in that order reaches the lower bound ``n k - n (n - 1) / 2``.
    """
    reviews = min(k, n - 1)
    classes = rng.permutation(np.arange(1, (n - 1) // 2 + 1))[:reviews]
    flip = rng.random(len(classes)) < 0.5
    offsets = np.where(flip, n - classes, classes).tolist()
    missing = reviews - len(offsets)
    reciprocal_pairs = 0
    if missing and n % 2 == 0:
        offsets.append(n // 2)
        reciprocal_pairs += n // 2
        missing -= 1
    offsets += [n - offset for offset in offsets[:missing]]
    reciprocal_pairs += n * missing
    return offsets, reciprocal_pairs


def _balanced_targets(total: int, caps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` as evenly as ``caps`` allow; a random few take the remainder."""
    if total >= caps.sum():
        return caps.copy()
    level = 0
    while np.minimum(caps, level + 1).sum() <= total:
        level += 1
    targets = np.minimum(caps, level)
    can_take_more = np.flatnonzero(caps > level)
    targets[rng.permutation(can_take_more)[: total - targets.sum()]] += 1
    return targets


def _contains(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which ``values`` occur in ``sorted_keys`` (faster than ``np.isin`` on large int arrays)."""
    positions = np.searchsorted(sorted_keys, values).clip(max=max(len(sorted_keys) - 1, 0))
    return sorted_keys[positions] == values if len(sorted_keys) else np.zeros(len(values), dtype=bool)


def _deal_and_repair(
    reviewing_authors: Sequence[tuple[int, ...]], n_people: int, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Reviewer and submission index per slot for a circle with groups or odd reviewers."""
    n_submissions = len(reviewing_authors)
    author_counts = np.array([len(authors) for authors in reviewing_authors], dtype=int)
    own_counts = np.bincount(
        np.array([a for authors in reviewing_authors for a in authors], dtype=int), minlength=n_people
    )
    # Nobody reviews their own work, nor the same work twice.
    receive_caps = n_people - author_counts
    give_caps = n_submissions - own_counts
    total = min(k * max(n_people, n_submissions), receive_caps.sum(), give_caps.sum())
    # Small circles can be dealt so that no swap removes every reciprocal pair (or even a
    # broken rule, when it is the choice of who takes one review more that rules it out);
    # dealing afresh a few times and keeping the best fixes most of them. Large circles
    # rarely need it, and a retry there would cost too much.
    attempts = _DEAL_ATTEMPTS if total <= _MAX_SWAP_SCAN else 1
    best: tuple[tuple[int, int], np.ndarray, np.ndarray] | None = None
    for _ in range(attempts):
        reviewer_slots = np.repeat(np.arange(n_people), _balanced_targets(total, give_caps, rng))
        submission_slots = np.repeat(np.arange(n_submissions), _balanced_targets(total, receive_caps, rng))
        repair = _Repair(reviewer_slots, rng.permutation(submission_slots), reviewing_authors, n_people, rng)
        repair.run()
        reviewers = np.array(repair.reviewers, dtype=int)
        kept = reviewers >= 0
        dealt = reviewers[kept], np.array(repair.submissions, dtype=int)[kept]
        shortfall = (total - int(kept.sum()), _count_reciprocal(*dealt, reviewing_authors, n_people))
        if best is None or shortfall < best[0]:
            best = (shortfall, *dealt)
        if shortfall == (0, 0):
            break
    assert best is not None
    return best[1], best[2]


def _reviewed_authors(
    reviewer_slots: np.ndarray,
    submission_slots: np.ndarray,
    reviewing_authors: Sequence[tuple[int, ...]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per slot and author of the slot's submission: slot, reviewer, author."""
    author_counts = np.array([len(authors) for authors in reviewing_authors], dtype=int)
    flat_authors = np.array([a for authors in reviewing_authors for a in authors], dtype=int)
    starts = np.cumsum(author_counts) - author_counts
    lengths = author_counts[submission_slots]
    slots = np.repeat(np.arange(len(submission_slots)), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    authors = flat_authors[starts[submission_slots][slots] + within]
    return slots, reviewer_slots[slots], authors


class _Repair:
    """Swaps submissions between review slots until every slot keeps the rules.

    A slot breaks a hard rule when its reviewer wrote the submission or reviews it twice,
    and the soft rule when it forms a reciprocal pair. A swap is kept only if both slots
    then keep the rules, so every swap makes things strictly better; a slot whose hard rule
    no swap can fix is dropped (its reviewer set to -1). Pairs are counted in dicts keyed
    by ``reviewer * n + other``, and the first check is done in numpy, which is what keeps
    a circle of 100,000 fast.
    """

    def __init__(
        self,
        reviewer_slots: np.ndarray,
        submission_slots: np.ndarray,
        reviewing_authors: Sequence[tuple[int, ...]],
        n_people: int,
        rng: np.random.Generator,
    ) -> None:
        self.n_people = n_people
        self.n_submissions = len(reviewing_authors)
        self.authors = reviewing_authors
        self.rng = rng
        self.reviewers: list[int] = reviewer_slots.tolist()
        self.submissions: list[int] = submission_slots.tolist()

        pair_keys = reviewer_slots * self.n_submissions + submission_slots
        keys, counts = np.unique(pair_keys, return_counts=True)
        # pair_count[r * n_submissions + s]: slots in which r reviews s.
        self.pair_count: dict[int, int] = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        reviewed_twice = _contains(keys[counts > 1], pair_keys)

        slots, reviewers, authors = _reviewed_authors(reviewer_slots, submission_slots, reviewing_authors)
        keys, counts = np.unique(reviewers * n_people + authors, return_counts=True)
        # reviews_work_of[r * n_people + a]: slots in which r reviews work co-written by a.
        self.reviews_work_of: dict[int, int] = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        own_work = reviewers == authors
        reciprocal = _contains(keys, authors * n_people + reviewers) & ~own_work
        broken = np.zeros(len(pair_keys), dtype=bool)
        broken[slots[own_work | reciprocal]] = True
        self.broken: list[int] = np.flatnonzero(broken | reviewed_twice).tolist()

    def run(self) -> None:
        for slot in self.broken:
            if self._keeps_rules(slot) or self._swap_into_place(slot, allow_reciprocal=False):
                continue
            if self._keeps_rules(slot, allow_reciprocal=True):
                continue
            if not self._swap_into_place(slot, allow_reciprocal=True):
                self._remove(slot)
                self.reviewers[slot] = -1

    def _add(self, slot: int) -> None:
        reviewer, submission = self.reviewers[slot], self.submissions[slot]
        pair = reviewer * self.n_submissions + submission
        self.pair_count[pair] = self.pair_count.get(pair, 0) + 1
        for author in self.authors[submission]:
            key = reviewer * self.n_people + author
            self.reviews_work_of[key] = self.reviews_work_of.get(key, 0) + 1

    def _remove(self, slot: int) -> None:
        reviewer, submission = self.reviewers[slot], self.submissions[slot]
        self.pair_count[reviewer * self.n_submissions + submission] -= 1
        for author in self.authors[submission]:
            self.reviews_work_of[reviewer * self.n_people + author] -= 1

    def _keeps_rules(self, slot: int, allow_reciprocal: bool = False) -> bool:
        reviewer, submission = self.reviewers[slot], self.submissions[slot]
        authors = self.authors[submission]
        if reviewer in authors or self.pair_count[reviewer * self.n_submissions + submission] > 1:
            return False
        return allow_reciprocal or not any(
            self.reviews_work_of.get(author * self.n_people + reviewer, 0) for author in authors
        )

    def _swap_into_place(self, slot: int, allow_reciprocal: bool) -> bool:
        return any(self._try_swap(slot, partner, allow_reciprocal) for partner in self._partners())

    def _partners(self) -> Iterator[int]:
        """Random slots to swap with: a few draws, then a scan (generated only when needed)."""
        n_slots = len(self.reviewers)
        if n_slots > _RANDOM_SWAP_TRIES:
            yield from self.rng.integers(n_slots, size=_RANDOM_SWAP_TRIES).tolist()
        yield from self.rng.choice(n_slots, size=min(n_slots, _MAX_SWAP_SCAN), replace=False).tolist()

    def _try_swap(self, slot: int, partner: int, allow_reciprocal: bool) -> bool:
        reviewer, submission = self.reviewers[slot], self.submissions[slot]
        other_reviewer, other_submission = self.reviewers[partner], self.submissions[partner]
        # Rule out most partners before touching the counts: the pairs after the swap must
        # be new and nobody's own work.
        if (
            other_reviewer < 0
            or other_reviewer == reviewer
            or other_submission == submission
            or reviewer in self.authors[other_submission]
            or other_reviewer in self.authors[submission]
            or self.pair_count.get(reviewer * self.n_submissions + other_submission)
            or self.pair_count.get(other_reviewer * self.n_submissions + submission)
        ):
            return False
        self._exchange(slot, partner)
        if self._keeps_rules(slot, allow_reciprocal) and self._keeps_rules(partner, allow_reciprocal):
            return True
        self._exchange(slot, partner)
        return False

    def _exchange(self, slot: int, partner: int) -> None:
        self._remove(slot)
        self._remove(partner)
        self.submissions[slot], self.submissions[partner] = (
            self.submissions[partner],
            self.submissions[slot],
        )
        self._add(slot)
        self._add(partner)


def _shortfalls(
    people: Sequence[PersonId],
    submission_ids: Sequence[SubmissionId],
    reviewing_authors: Sequence[tuple[int, ...]],
    load: Sequence[int],
    received: Sequence[int],
    k: int,
) -> list[Problem]:
    """Submissions getting, and people giving, fewer than ``k`` reviews."""
    problems = [
        Problem(
            ProblemKind.SUBMISSION_SHORT,
            submission=submission_ids[index],
            k=k,
            reviews=count,
            others=len(people) - len(reviewing_authors[index]),
        )
        for index, count in enumerate(received)
        if count < k
    ]
    own_count = Counter(author for authors in reviewing_authors for author in authors)
    problems += [
        Problem(
            ProblemKind.REVIEWER_SHORT,
            person=people[index],
            k=k,
            reviews=count,
            others=len(submission_ids) - own_count[index],
        )
        for index, count in enumerate(load)
        if count < k
    ]
    return problems


def _count_reciprocal(
    reviewer_slots: np.ndarray,
    submission_slots: np.ndarray,
    reviewing_authors: Sequence[tuple[int, ...]],
    n_people: int,
) -> int:
    """How many pairs of people review each other's work."""
    _, reviewers, authors = _reviewed_authors(reviewer_slots, submission_slots, reviewing_authors)
    reviews_work_of, _ = np.unique(reviewers * n_people + authors, return_counts=True)
    reversed_keys = (reviews_work_of % n_people) * n_people + reviews_work_of // n_people
    return int(_contains(reviews_work_of, reversed_keys).sum()) // 2


def _reciprocity(
    reviewer_slots: np.ndarray,
    submission_slots: np.ndarray,
    reviewing_authors: Sequence[tuple[int, ...]],
    n_people: int,
    k: int,
) -> list[Problem]:
    """A problem if some people review each other's work."""
    reciprocal_pairs = _count_reciprocal(reviewer_slots, submission_slots, reviewing_authors, n_people)
    if not reciprocal_pairs:
        return []
    return [Problem(ProblemKind.RECIPROCAL_PAIRS, k=k, pairs=reciprocal_pairs)]
