"""Reads for self-assessment and calibration: whether a learner must calibrate first, their
accuracy on the examples, the reviewers' calibration weights for scoring, and the comparison of
an author's self-scores with their reviewers'.

The arithmetic is in the pure modules ``cohorts.review.calibration`` and
``cohorts.review.self_comparison``; the rules for who may do what in ``cohorts.review.permissions``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import CalibrationAttempt, CalibrationExample, CircleActivity, Review, SelfAssessment
from cohorts.models.review.practice import MIN_CALIBRATION_EXAMPLES

from .calibration import CalibrationScore, calibration_errors
from .scoring import calibration_weight
from .self_comparison import CriterionScale, SelfComparison, compare_criterion

#: Why a learner cannot start a review yet.
CALIBRATE_FIRST = _(
    "Before your first review, score the practice examples for this activity and compare your scores "
    "with the facilitators'."
)


def _range(criterion: dict) -> tuple[float, float]:
    scores = [level["score"] for level in criterion["levels"]]
    return (min(scores), max(scores)) if scores else (0.0, 0.0)


def calibration_url(activity: CircleActivity) -> str:
    return reverse(
        "cohorts:review:calibration",
        kwargs={"circle_id": activity.circle_id, "module_id": activity.module_id, "activity_id": activity.activity_id},
    )


@dataclass(frozen=True)
class CalibrationStatus:
    """An activity's calibration as one person sees it on the activity page."""

    enabled: bool
    examples: int
    scored: int
    url: str

    @property
    def in_use(self) -> bool:
        return self.enabled and self.examples >= MIN_CALIBRATION_EXAMPLES

    @property
    def pending(self) -> bool:
        return self.in_use and self.scored < self.examples


def calibration_status(activity: CircleActivity, user) -> CalibrationStatus:
    """How many examples the activity has and how many ``user`` scored (two queries)."""
    examples = activity.calibration_examples.count()
    scored = CalibrationAttempt.objects.filter(example__activity=activity, reviewer=user).count() if examples else 0
    return CalibrationStatus(
        activity.calibration and activity.has_peer_review, examples, scored, calibration_url(activity)
    )


def calibration_in_use(activity: CircleActivity, examples: list[CalibrationExample] | None = None) -> bool:
    """Calibration is on and the facilitators have given enough examples for it."""
    if not (activity.calibration and activity.has_peer_review and activity.pk):
        return False
    count = len(examples) if examples is not None else activity.calibration_examples.count()
    return count >= MIN_CALIBRATION_EXAMPLES


def calibration_pending(*, user, activity: CircleActivity, is_facilitator: bool) -> bool:
    """Whether this person must still score examples before writing reviews (facilitators never)."""
    if is_facilitator or not (activity.calibration and activity.has_peer_review and activity.pk):
        return False
    examples = activity.calibration_examples.count()
    if examples < MIN_CALIBRATION_EXAMPLES:
        return False
    return CalibrationAttempt.objects.filter(example__activity=activity, reviewer=user).count() < examples


def calibration_scores(activity: CircleActivity, attempts: Iterable[CalibrationAttempt]) -> list[CalibrationScore]:
    """Every criterion score of the attempts beside its reference (``attempt.example`` loaded)."""
    found = []
    for attempt in attempts:
        for criterion in activity.criteria:
            score = attempt.scores.get(criterion["id"])
            reference = attempt.example.reference_scores.get(criterion["id"])
            if score is None or reference is None:
                continue
            low, high = _range(criterion)
            found.append(
                CalibrationScore(attempt.reviewer_id, attempt.example_id, criterion["id"], score, reference, low, high)
            )
    return found


def reviewer_weights_for(activity: CircleActivity) -> dict[Hashable, float]:
    """Each calibrated reviewer's weight in the corrected scores (one query; none without calibration)."""
    if not (activity.calibration and activity.pk):
        return {}
    attempts = CalibrationAttempt.objects.filter(example__activity=activity).select_related("example")
    errors = calibration_errors(calibration_scores(activity, attempts))
    return {reviewer: calibration_weight(error) for reviewer, error in errors.items()}


def self_comparison(activity: CircleActivity, assessment: SelfAssessment, reviews: Iterable[Review]) -> SelfComparison:
    """The author's self-scores beside the counted reviews' (``reviews`` with scores prefetched)."""
    counted = [review for review in reviews if review.is_submitted and not review.is_hidden]
    comparisons = []
    for criterion in activity.criteria:
        criterion_id = criterion["id"]

        def scores_of(reviews_: list[Review], criterion_id: str = criterion_id) -> list[float]:
            return [
                review.scores_by_criterion[criterion_id].score
                for review in reviews_
                if criterion_id in review.scores_by_criterion
                and review.scores_by_criterion[criterion_id].score is not None
            ]

        comparisons.append(
            compare_criterion(
                criterion=criterion_id,
                scale=CriterionScale(tuple(level["score"] for level in criterion["levels"])),
                self_score=assessment.scores.get(criterion_id),
                peer_scores=scores_of([r for r in counted if not r.is_anchor]),
                facilitator_scores=scores_of([r for r in counted if r.is_anchor]),
            )
        )
    return SelfComparison(comparisons)
