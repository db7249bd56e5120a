"""Rolling review: which waiting submission to offer a reviewer next."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .records import Candidate, PersonId, SubmissionId, id_sort_key


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
