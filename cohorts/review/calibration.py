"""How close a reviewer's scores on calibration examples came to the facilitators' reference scores.

Pure functions without Django. A criterion's scale is given as its lowest and highest level
score; distances are reported in the rubric's own points (for people) and as a fraction of the
criterion's range (for :func:`cohorts.review.scoring.calibration_weight`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CalibrationScore:
    """One reviewer's score on one criterion of one example, beside the reference score."""

    reviewer: Hashable
    example: Hashable
    criterion: Hashable
    score: float
    reference: float
    low: float
    high: float

    @property
    def difference(self) -> float:
        """Reviewer minus reference, in the rubric's points: above 0 means more generous."""
        return self.score - self.reference

    @property
    def error(self) -> float:
        """The distance from the reference as a fraction of the criterion's range (0 to 1)."""
        if self.high <= self.low:
            return 0.0
        return min(abs(self.difference) / (self.high - self.low), 1.0)


def calibration_errors(scores: Iterable[CalibrationScore]) -> dict[Hashable, float]:
    """Each reviewer's mean error over every criterion of every example they scored (0 to 1).

    Examples count equally however many criteria the rubric has: the mean per example first,
    then across examples.
    """
    per_example: defaultdict[Hashable, defaultdict[Hashable, list[float]]] = defaultdict(lambda: defaultdict(list))
    for score in scores:
        per_example[score.reviewer][score.example].append(score.error)
    return {
        reviewer: statistics.fmean(statistics.fmean(errors) for errors in examples.values())
        for reviewer, examples in per_example.items()
    }
