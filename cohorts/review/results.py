"""Scores of an activity's submissions, from its counted reviews, through ``cohorts.review.scoring``.

Each rubric criterion is scored on its own. Scores are turned into fractions of the criterion's
range (lowest level 0, highest 1) for the pure functions, and back onto the rubric's own scale for
people to read. Per criterion the activity shows one estimate to everyone, the PG1-corrected one
or the median, chosen by ``choose_estimator_for``; ``reason`` says why in plain words. Where the
activity has calibration, reviewers' accuracy on the examples weighs in the corrected fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

from cohorts.models import CircleActivity, Review

from .practice import reviewer_weights_for
from .scoring import Estimator, EstimatorChoice, Observation, disagreement, score_criterion

#: Scores this far apart (a fraction of the criterion's range) flag the work to the facilitators.
DISAGREEMENT_THRESHOLD = 0.5


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one submission, on the rubric's own scale."""

    criterion: dict
    count: int
    median: float
    spread: float
    corrected: float
    estimator: Estimator
    #: Why this estimate is shown rather than the other, in plain words.
    reason: str
    score_range: float
    flagged: bool

    @property
    def shown(self) -> float:
        return self.corrected if self.estimator == "corrected" else self.median

    @property
    def max_score(self) -> int:
        return self.criterion["max_score"]

    @property
    def nearest_level(self) -> dict | None:
        levels = self.criterion["levels"]
        return min(levels, key=lambda level: abs(level["score"] - self.shown)) if levels else None


@dataclass(frozen=True)
class SubmissionResult:
    submission_id: int
    criteria: list[CriterionResult]
    counted_review_ids: list[int]

    @property
    def flagged(self) -> bool:
        return any(result.flagged for result in self.criteria)

    @property
    def uses_corrected(self) -> bool:
        return any(result.estimator == "corrected" for result in self.criteria)

    @property
    def reasons(self) -> list[str]:
        """Why each shown estimate was chosen, each reason once, in criterion order."""
        return list(dict.fromkeys(result.reason for result in self.criteria))


@dataclass(frozen=True)
class ActivityResults:
    activity: CircleActivity
    estimators: dict[str, Estimator]
    #: Per criterion id: the estimator shown, why, and on how many facilitator-scored submissions.
    choices: dict[str, EstimatorChoice]
    #: Submissions that a facilitator reviewed too: what the choice of estimator was checked on.
    anchored_submissions: int
    by_submission: dict[int, SubmissionResult] = field(default_factory=dict)

    def for_submission(self, submission_id: int) -> SubmissionResult | None:
        return self.by_submission.get(submission_id)


def _scale(criterion: dict) -> tuple[float, float]:
    scores = [level["score"] for level in criterion["levels"]]
    return (min(scores), max(scores)) if scores else (0.0, 0.0)


def to_fraction(criterion: dict, score: float) -> float:
    low, high = _scale(criterion)
    return (score - low) / (high - low) if high > low else 1.0


def from_fraction(criterion: dict, fraction: float) -> float:
    low, high = _scale(criterion)
    return low + fraction * (high - low)


def activity_results(
    activity: CircleActivity, reviews: Iterable[Review], reviewer_weights: dict | None = None
) -> ActivityResults:
    """Scores for every submission with counted reviews; ``reviews`` are those, scores prefetched.

    ``reviewer_weights`` are the reviewers' calibration weights (``practice.reviewer_weights_for``).
    """
    reviews = list(reviews)
    anchors = {review.reviewer_id for review in reviews if review.is_anchor}
    anchored = {review.submission_id for review in reviews if review.is_anchor}
    choices: dict[str, EstimatorChoice] = {}
    per_submission: dict[int, list[CriterionResult]] = {}
    for criterion in activity.criteria:
        observations = [
            Observation(
                reviewer=review.reviewer_id,
                submission=review.submission_id,
                score=to_fraction(criterion, review.scores_by_criterion[criterion["id"]].score),
            )
            for review in reviews
            if criterion["id"] in review.scores_by_criterion
            and review.scores_by_criterion[criterion["id"]].score is not None
        ]
        if not observations:
            continue
        scores = score_criterion(observations, anchors, reviewer_weights=reviewer_weights)
        choices[criterion["id"]] = scores.choice
        disagreements = disagreement(observations, threshold=DISAGREEMENT_THRESHOLD)
        low, high = _scale(criterion)
        for submission_id, summary in scores.medians.items():
            per_submission.setdefault(submission_id, []).append(
                CriterionResult(
                    criterion=criterion,
                    count=summary.count,
                    median=from_fraction(criterion, summary.median),
                    spread=summary.spread * (high - low),
                    corrected=from_fraction(criterion, scores.corrected.true_scores[submission_id]),
                    estimator=scores.choice.estimator,
                    reason=scores.choice.explain(gettext=gettext, ngettext=ngettext),
                    score_range=disagreements[submission_id].range * (high - low),
                    flagged=disagreements[submission_id].flagged,
                )
            )
    counted: dict[int, list[int]] = {}
    for review in reviews:
        counted.setdefault(review.submission_id, []).append(review.pk)
    return ActivityResults(
        activity=activity,
        estimators={criterion_id: choice.estimator for criterion_id, choice in choices.items()},
        choices=choices,
        anchored_submissions=len(anchored),
        by_submission={
            submission_id: SubmissionResult(submission_id, results, counted.get(submission_id, []))
            for submission_id, results in per_submission.items()
        },
    )


def activity_results_for(activity: CircleActivity) -> ActivityResults:
    """Load the activity's counted reviews (two queries; one more with calibration) and score them."""
    reviews = Review.objects.filter(submission__activity=activity).counted().prefetch_related("scores")
    return activity_results(activity, reviews, reviewer_weights_for(activity))
