"""A learner's scores of their own work beside their reviewers' and the facilitators', per criterion.

Pure functions without Django. For each criterion the self-score is set against a reference:
the facilitators' mean score where a facilitator reviewed the work (their reviews anchor the
scores), else the peers' median. Within less than one level step of it counts as ``close``;
one step or more above is ``generous``, below is ``harsh``. The wording for people is done
by the views, with gettext.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["close", "generous", "harsh", "unknown"]
#: Across criteria: ``mixed`` when some were generous and others harsh.
Overall = Literal["close", "generous", "harsh", "mixed", "unknown"]


@dataclass(frozen=True)
class CriterionScale:
    """A criterion's level scores, lowest first."""

    levels: tuple[float, ...]

    @property
    def step(self) -> float:
        """The smallest gap between two levels (1 for a single-level criterion)."""
        ordered = sorted(set(self.levels))
        gaps = [high - low for low, high in zip(ordered, ordered[1:], strict=False)]
        return min(gaps) if gaps else 1.0


@dataclass(frozen=True)
class CriterionComparison:
    criterion: Hashable
    self_score: float | None
    peer_median: float | None
    facilitator_mean: float | None
    #: Self-score minus the reference, in the rubric's points (None without both).
    difference: float | None
    #: The same in level steps.
    steps: float | None
    verdict: Verdict

    @property
    def reference(self) -> float | None:
        return self.facilitator_mean if self.facilitator_mean is not None else self.peer_median

    @property
    def reference_is_facilitator(self) -> bool:
        return self.facilitator_mean is not None


def compare_criterion(
    *,
    criterion: Hashable,
    scale: CriterionScale,
    self_score: float | None,
    peer_scores: Sequence[float],
    facilitator_scores: Sequence[float],
) -> CriterionComparison:
    peer_median = statistics.median(peer_scores) if peer_scores else None
    facilitator_mean = statistics.fmean(facilitator_scores) if facilitator_scores else None
    reference = facilitator_mean if facilitator_mean is not None else peer_median
    if self_score is None or reference is None:
        return CriterionComparison(criterion, self_score, peer_median, facilitator_mean, None, None, "unknown")
    difference = self_score - reference
    steps = difference / scale.step
    # A tiny tolerance, so that a mean like 3.9999999 still counts as one step away.
    if abs(steps) < 1 - 1e-9:
        verdict: Verdict = "close"
    else:
        verdict = "generous" if steps > 0 else "harsh"
    return CriterionComparison(criterion, self_score, peer_median, facilitator_mean, difference, steps, verdict)


@dataclass(frozen=True)
class SelfComparison:
    criteria: list[CriterionComparison]

    def with_verdict(self, verdict: Verdict) -> list[CriterionComparison]:
        return [comparison for comparison in self.criteria if comparison.verdict == verdict]

    @property
    def overall(self) -> Overall:
        """Generous (or harsh) when some criterion leans that way and none the other way."""
        known = [c.verdict for c in self.criteria if c.verdict != "unknown"]
        if not known:
            return "unknown"
        leaning = set(known) - {"close"}
        if not leaning:
            return "close"
        return leaning.pop() if len(leaning) == 1 else "mixed"
