"""Whether rolling review handed out work beyond the k reviews it asks for only when it had to.

Rolling review offers the least-reviewed work first and has no cap: a learner who hands in late may be
given work that already has k reviews, but only when every other work they could take had k as well.
No Django here: loadtest/invariants.py feeds it the database's rows; tests/test_loadtest_review_order.py
checks it against the queue's own pure order (cohorts.review.allocation.rolling).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Work:
    id: int
    submitted_at: datetime
    authors: frozenset[int]


@dataclass(frozen=True)
class Lease:
    """One review handed out (done or under way): who took which work, when."""

    submission: int
    reviewer: int
    at: datetime


def excess_reviews(works: list[Work], leases: list[Lease], *, k: int) -> list[str]:
    """One sentence per lease that took work past k reviews while other work it could take had fewer.

    ``works`` and ``leases`` are one activity's; ``leases`` in the order they were handed out.
    """
    load = Counter()
    taken: dict[int, set[int]] = {}
    found = []
    for lease in leases:
        mine = taken.setdefault(lease.reviewer, set())
        if load[lease.submission] >= k:
            short = [
                work.id
                for work in works
                if work.submitted_at <= lease.at
                and load[work.id] < k
                and lease.reviewer not in work.authors
                and work.id not in mine
            ]
            if short:
                found.append(
                    f"submission {lease.submission} got review {load[lease.submission] + 1} of {k} "
                    f"while {len(short)} other work waited for fewer"
                )
        load[lease.submission] += 1
        mine.add(lease.submission)
    return found
