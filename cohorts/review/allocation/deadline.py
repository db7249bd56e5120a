"""Allocation at the deadline: ``k`` reviews for every on-time submission, ``k`` to do for every reviewer.

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
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from .records import Allocation, PersonId, Problem, ProblemKind, Submission, SubmissionId, id_sort_key
from .repair import count_reciprocal, deal_and_repair


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
        reviewer_slots, submission_slots = deal_and_repair(reviewing_authors, len(people), k, rng)
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


def _reciprocity(
    reviewer_slots: np.ndarray,
    submission_slots: np.ndarray,
    reviewing_authors: Sequence[tuple[int, ...]],
    n_people: int,
    k: int,
) -> list[Problem]:
    """A problem if some people review each other's work."""
    reciprocal_pairs = count_reciprocal(reviewer_slots, submission_slots, reviewing_authors, n_people)
    if not reciprocal_pairs:
        return []
    return [Problem(ProblemKind.RECIPROCAL_PAIRS, k=k, pairs=reciprocal_pairs)]
