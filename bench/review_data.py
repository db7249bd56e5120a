"""Simulated peer-review circles for the scoring benchmarks and tests (not product code).

:func:`synthetic_circle` draws one circle under the PG1 model (true score + reviewer bias +
reviewer noise, rounded to the rubric's levels), optionally with a facilitator who scores a
few submissions. :data:`REGIMES` are the kinds of circle every estimator is judged on:
the PG1-like canonical one and the ones where a fixed prior broke it (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from cohorts.review.allocation import PersonId, Submission, SubmissionId, allocate_at_deadline
from cohorts.review.scoring import Observation, fit_pg1, mean_scores, median_scores, score_criterion

#: The reviewer id of the simulated facilitator.
FACILITATOR = "facilitator"


@dataclass(frozen=True)
class SyntheticCircle:
    """Scores simulated from the PG1 model, with the true scores and biases behind them.

    ``observations`` include the facilitator's, if any; ``anchors`` is then ``{FACILITATOR}``.
    """

    observations: list[Observation]
    true_scores: dict[SubmissionId, float]
    biases: dict[PersonId, float]
    anchors: frozenset[PersonId] = frozenset()


def synthetic_circle(
    n_learners: int = 1000,
    reviews_each: int = 4,
    bias_sd: float = 0.10,
    noise_sd_range: tuple[float, float] = (0.05, 0.20),
    true_mean: float = 0.65,
    true_sd: float = 0.15,
    true_shape: Literal["normal", "bimodal"] = "normal",
    levels: int = 5,
    anchored_submissions: int = 0,
    seed: int = 0,
) -> SyntheticCircle:
    """Simulate a circle under PG1: every learner submits once and reviews ``reviews_each`` others.

    True scores are drawn from ``N(true_mean, true_sd)``, or for ``"bimodal"`` from two equal
    clusters ``true_mean ± true_sd`` with sd ``true_sd / 3`` (a mixed-ability circle), clipped
    to 0-1; each reviewer gets a bias from ``N(0, bias_sd)`` and a noise sd drawn uniformly
    from ``noise_sd_range``; scores are rounded to ``levels`` equally spaced rubric levels (0,
    .25, .5, .75, 1 for 5). Who reviews whom comes from :func:`allocate_at_deadline`. A
    facilitator scores the first ``anchored_submissions`` submissions exactly, to the nearest
    level.
    """
    rng = np.random.default_rng(seed)
    learners = range(n_learners)
    allocation = allocate_at_deadline(
        [Submission(id=learner, authors=frozenset({learner})) for learner in learners], k=reviews_each, seed=seed
    )
    if true_shape == "bimodal":
        centres = true_mean + true_sd * rng.choice([-1.0, 1.0], n_learners)
        true_scores = np.clip(rng.normal(centres, true_sd / 3), 0.0, 1.0)
    else:
        true_scores = np.clip(rng.normal(true_mean, true_sd, n_learners), 0.0, 1.0)
    biases = rng.normal(0.0, bias_sd, n_learners)
    noise_sds = rng.uniform(*noise_sd_range, n_learners)
    reviewers = np.array([reviewer for reviewer, _ in allocation.assignments], dtype=int)
    submissions = np.array([submission for _, submission in allocation.assignments], dtype=int)
    raw = true_scores[submissions] + biases[reviewers] + rng.normal(0.0, 1.0, len(reviewers)) * noise_sds[reviewers]
    scores = _to_levels(raw, levels)
    observations = [
        Observation(reviewer=r, submission=s, score=z)
        for r, s, z in zip(reviewers.tolist(), submissions.tolist(), scores.tolist(), strict=True)
    ]
    anchored = range(min(anchored_submissions, n_learners))
    observations += [
        Observation(reviewer=FACILITATOR, submission=s, score=float(z))
        for s, z in zip(anchored, _to_levels(true_scores[list(anchored)], levels), strict=True)
    ]
    return SyntheticCircle(
        observations=observations,
        true_scores=dict(zip(learners, true_scores.tolist(), strict=True)),
        biases=dict(zip(learners, biases.tolist(), strict=True)),
        anchors=frozenset({FACILITATOR}) if anchored_submissions else frozenset(),
    )


def _to_levels(raw: np.ndarray, levels: int) -> np.ndarray:
    step = 1 / (levels - 1)
    return np.clip(np.round(raw / step) * step, 0.0, 1.0)


@dataclass(frozen=True)
class Regime:
    """A kind of circle: ``circles`` circles drawn with ``settings`` and consecutive seeds, pooled."""

    circles: int
    settings: dict[str, object] = field(default_factory=dict)

    def draw(self, first_seed: int = 0) -> list[SyntheticCircle]:
        seeds = range(first_seed, first_seed + self.circles)
        return [synthetic_circle(seed=seed, **self.settings) for seed in seeds]


#: The canonical circle is 1,000 learners under PG1 with the fit's old default priors, with and
#: without reviewer bias. Every other regime changes one thing about it, as in issue 15: wider or
#: two-cluster true scores, or little noise on a fine rubric, each without reviewer bias (where
#: the fixed prior did worst); and the real case, small circles with a few facilitator scores.
#: The first three have a facilitator score three submissions in each circle of 30 too.
REGIMES: dict[str, Regime] = {
    "pg1": Regime(circles=5),
    "pg1_unbiased": Regime(circles=5, settings={"bias_sd": 0.0}),
    "wide": Regime(circles=40, settings={"n_learners": 30, "bias_sd": 0.0, "true_sd": 0.28, "anchored_submissions": 3}),
    "bimodal": Regime(
        circles=40,
        settings={
            "n_learners": 30,
            "bias_sd": 0.0,
            "true_shape": "bimodal",
            "true_sd": 0.25,
            "anchored_submissions": 3,
        },
    ),
    "lownoise10": Regime(
        circles=40,
        settings={
            "n_learners": 30,
            "bias_sd": 0.0,
            "noise_sd_range": (0.01, 0.05),
            "levels": 10,
            "true_sd": 0.28,
            "anchored_submissions": 3,
        },
    ),
    "small": Regime(circles=200, settings={"n_learners": 12, "reviews_each": 3, "anchored_submissions": 3}),
}


def pooled_rmse(circles: list[SyntheticCircle]) -> dict[str, float]:
    """RMSE against the true scores of the median, mean, corrected and shown estimate, pooled
    over every submission of every circle; each scored as the product does (facilitators'
    reviews counted in the median, anchoring the corrected fit).
    """
    squared_errors: dict[str, list[float]] = {"median": [], "mean": [], "corrected": [], "shown": []}
    for circle in circles:
        scores = score_criterion(circle.observations, circle.anchors)
        estimates = {
            "median": {submission: summary.median for submission, summary in scores.medians.items()},
            "mean": mean_scores(circle.observations),
            "corrected": scores.corrected.true_scores,
            "shown": scores.shown,
        }
        for name, estimate in estimates.items():
            squared_errors[name] += [(estimate[s] - truth) ** 2 for s, truth in circle.true_scores.items()]
    return {name: float(np.sqrt(np.mean(errors))) for name, errors in squared_errors.items()}


def extremes_mae(circles: list[SyntheticCircle], tail: float = 0.1) -> dict[str, float]:
    """Mean absolute error of the median and the corrected estimate on each circle's top and
    bottom ``tail`` by true score, pooled: how far the best and weakest work are misjudged.
    """
    absolute_errors: dict[str, list[float]] = {"median": [], "corrected": []}
    for circle in circles:
        low, high = np.quantile(list(circle.true_scores.values()), [tail, 1 - tail])
        extremes = {s: truth for s, truth in circle.true_scores.items() if truth <= low or truth >= high}
        medians = median_scores(circle.observations)
        corrected = fit_pg1(circle.observations, anchors=circle.anchors).true_scores
        absolute_errors["median"] += [abs(medians[s].median - truth) for s, truth in extremes.items()]
        absolute_errors["corrected"] += [abs(corrected[s] - truth) for s, truth in extremes.items()]
    return {name: float(np.mean(errors)) for name, errors in absolute_errors.items()}
