"""Dealing review slots at random with balanced loads, then swapping submissions between slots until
every slot keeps the rules: for circles with group submissions or reviewers without one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

# Random partners tried before falling back to scanning every slot when repairing one slot;
# in a large circle almost every partner works, so the first few tries succeed.
_RANDOM_SWAP_TRIES = 64
# Upper bound on partners scanned for one slot, so that a circle where a rule cannot be met
# costs linear rather than quadratic time.
_MAX_SWAP_SCAN = 5000
# Fresh deals tried in a small circle that still has reciprocal pairs after repair.
_DEAL_ATTEMPTS = 20


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


def contains_sorted(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which ``values`` occur in ``sorted_keys`` (faster than ``np.isin`` on large int arrays)."""
    positions = np.searchsorted(sorted_keys, values).clip(max=max(len(sorted_keys) - 1, 0))
    return sorted_keys[positions] == values if len(sorted_keys) else np.zeros(len(values), dtype=bool)


def deal_and_repair(
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
        shortfall = (total - int(kept.sum()), count_reciprocal(*dealt, reviewing_authors, n_people))
        if best is None or shortfall < best[0]:
            best = (shortfall, *dealt)
        if shortfall == (0, 0):
            break
    assert best is not None
    return best[1], best[2]


def reviewed_authors(
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
        reviewed_twice = contains_sorted(keys[counts > 1], pair_keys)

        slots, reviewers, authors = reviewed_authors(reviewer_slots, submission_slots, reviewing_authors)
        keys, counts = np.unique(reviewers * n_people + authors, return_counts=True)
        # reviews_work_of[r * n_people + a]: slots in which r reviews work co-written by a.
        self.reviews_work_of: dict[int, int] = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        own_work = reviewers == authors
        reciprocal = contains_sorted(keys, authors * n_people + reviewers) & ~own_work
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


def count_reciprocal(
    reviewer_slots: np.ndarray,
    submission_slots: np.ndarray,
    reviewing_authors: Sequence[tuple[int, ...]],
    n_people: int,
) -> int:
    """How many pairs of people review each other's work."""
    _, reviewers, authors = reviewed_authors(reviewer_slots, submission_slots, reviewing_authors)
    reviews_work_of, _ = np.unique(reviewers * n_people + authors, return_counts=True)
    reversed_keys = (reviews_work_of % n_people) * n_people + reviews_work_of // n_people
    return int(contains_sorted(reviews_work_of, reversed_keys).sum()) // 2
