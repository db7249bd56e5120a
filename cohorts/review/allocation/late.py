"""Reviewers for work that arrives after the deadline's reviews went out."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np

from .records import Allocation, PersonId, Problem, ProblemKind, Submission, id_sort_key


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
