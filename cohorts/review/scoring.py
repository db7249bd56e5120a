"""Turning peer-review scores into a grade: median, mean, and a bias-corrected estimate.

Pure functions without Django. Every function works on one rubric criterion at a time, with
scores as fractions of the criterion's maximum (0 to 1); the defaults below assume that
scale.

**Median and spread.** :func:`median_scores` gives each submission the median of its scores
and, as spread, the *median absolute deviation* (MAD) from that median, unscaled. MAD
rather than the interquartile range because with the three to five reviews a submission
usually has, quartiles depend on an interpolation rule while MAD does not.

**Corrected estimate** (:func:`fit_pg1`) follows the PG1 model of Piech et al. 2013,
"Tuned Models of Peer Assessment in MOOCs". A score is ``z = s_u + b_v + noise`` for true
score ``s_u`` of submission ``u``, bias ``b_v`` of reviewer ``v`` and noise of precision
``tau_v``, with priors ``s_u ~ N(mu0, 1/gamma0)``, ``b_v ~ N(0, 1/eta0)`` and
``tau_v ~ Gamma(alpha0, beta0)``. It is fitted by mean-field variational Bayes: each
update sets one block (all true scores, all biases, all precisions) to its exact
conditional posterior given the others' current posteriors, which never lowers the
evidence bound, until the true scores stop moving. ``mu0`` is the mean of all scores (so
estimates shrink towards the circle's own level); the other priors are fixed defaults for
the 0-1 scale, set in :class:`Pg1Priors`. Fixed priors did better than estimating them
from the data: in a circle of 30 that estimate is too noisy, and even with 1,000 learners
the variational fit underestimates the spread of biases. A reviewer's bias is estimated
only from ``min_reviews_for_bias`` reviews on; with fewer, a bias cannot be told apart
from what they reviewed. Facilitators' reviews can be *anchors*: known-reliable reviewers
with bias fixed at zero and a fixed high precision.

Whether a circle is shown the corrected estimate or the median is decided on the
submissions a facilitator also scored (:func:`choose_estimator`): the corrected estimate
has to come closer to the facilitator's scores than the median does.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from cohorts.review.allocation import PersonId, Submission, SubmissionId, allocate_at_deadline, id_sort_key

Estimator = Literal["corrected", "median"]


@dataclass(frozen=True)
class Observation:
    """One reviewer's score for one submission on one criterion, from 0 to 1."""

    reviewer: PersonId
    submission: SubmissionId
    score: float


@dataclass(frozen=True)
class ScoreSummary:
    """Median of a submission's scores, their median absolute deviation, and how many."""

    median: float
    spread: float
    count: int


@dataclass(frozen=True)
class Disagreement:
    """How far apart a submission's scores are (highest minus lowest), and whether that is flagged."""

    range: float
    flagged: bool


@dataclass(frozen=True)
class Pg1Priors:
    """Priors of the PG1 model on the 0-1 scale, as standard deviations.

    ``true_sd`` is ``1/sqrt(gamma0)``, ``bias_sd`` is ``1/sqrt(eta0)``; the precision prior
    has shape ``noise_shape`` (``alpha0``) and a mean of ``1/noise_sd**2``. ``mean`` is
    ``mu0``; None means the mean of all scores fitted. Anchors count as reviewers with no
    bias and noise ``anchor_noise_sd``.
    """

    mean: float | None = None
    true_sd: float = 0.15
    bias_sd: float = 0.10
    noise_sd: float = 0.15
    noise_shape: float = 2.0
    anchor_noise_sd: float = 0.05
    min_reviews_for_bias: int = 2


@dataclass(frozen=True)
class Pg1Result:
    """Fitted PG1 model: posterior means of true scores, biases and precisions.

    ``true_score_sds`` are the posterior standard deviations of the true scores.
    ``converged`` is False if ``max_iterations`` ran out first.
    """

    true_scores: dict[SubmissionId, float]
    true_score_sds: dict[SubmissionId, float]
    biases: dict[PersonId, float]
    precisions: dict[PersonId, float]
    iterations: int
    converged: bool


@dataclass(frozen=True)
class SyntheticCircle:
    """Scores simulated from the PG1 model, with the true scores and biases behind them."""

    observations: list[Observation]
    true_scores: dict[SubmissionId, float]
    biases: dict[PersonId, float]


def median_scores(observations: Iterable[Observation]) -> dict[SubmissionId, ScoreSummary]:
    """Median score of each submission, with the median absolute deviation as spread."""
    summaries = {}
    for submission, scores in _scores_by_submission(observations).items():
        median = statistics.median(scores)
        spread = statistics.median(abs(score - median) for score in scores)
        summaries[submission] = ScoreSummary(median=median, spread=spread, count=len(scores))
    return summaries


def mean_scores(observations: Iterable[Observation]) -> dict[SubmissionId, float]:
    """Plain mean score of each submission."""
    return {submission: statistics.fmean(scores) for submission, scores in _scores_by_submission(observations).items()}


def disagreement(observations: Iterable[Observation], threshold: float = 0.5) -> dict[SubmissionId, Disagreement]:
    """How strongly each submission's reviewers disagree; flagged from ``threshold`` on.

    The measure is the range, highest minus lowest score: a facilitator should look even
    when a single reviewer is far from the rest, which the MAD of three reviews hides. The
    default 0.5 flags scores two levels apart on a five-level rubric.
    """
    return {
        submission: Disagreement(range=max(scores) - min(scores), flagged=max(scores) - min(scores) >= threshold)
        for submission, scores in _scores_by_submission(observations).items()
    }


def fit_pg1(
    observations: Iterable[Observation],
    anchors: Collection[PersonId] = frozenset(),
    priors: Pg1Priors = Pg1Priors(),  # noqa: B008 - frozen, so sharing the default is safe
    max_iterations: int = 200,
    tolerance: float = 1e-6,
) -> Pg1Result:
    """Fit PG1 to the scores; ``anchors`` are reviewers (facilitators) trusted as unbiased.

    True-score estimates are clipped to the 0-1 scale.
    """
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    observed = list(observations)
    if not observed:
        return Pg1Result({}, {}, {}, {}, iterations=0, converged=True)
    submissions = sorted({o.submission for o in observed}, key=id_sort_key)
    reviewers = sorted({o.reviewer for o in observed}, key=id_sort_key)
    submission_index = {submission: i for i, submission in enumerate(submissions)}
    reviewer_index = {reviewer: i for i, reviewer in enumerate(reviewers)}
    of_submission = np.array([submission_index[o.submission] for o in observed])
    of_reviewer = np.array([reviewer_index[o.reviewer] for o in observed])
    scores = np.array([o.score for o in observed], dtype=float)

    def per_submission(weights: np.ndarray) -> np.ndarray:
        return np.bincount(of_submission, weights=weights, minlength=len(submissions))

    def per_reviewer(weights: np.ndarray) -> np.ndarray:
        return np.bincount(of_reviewer, weights=weights, minlength=len(reviewers))

    prior_mean = scores.mean() if priors.mean is None else priors.mean
    prior_true_precision = priors.true_sd**-2
    prior_bias_precision = priors.bias_sd**-2
    shape, rate = priors.noise_shape, priors.noise_shape * priors.noise_sd**2
    is_anchor = np.array([reviewer in anchors for reviewer in reviewers], dtype=bool)
    reviews_given = np.bincount(of_reviewer, minlength=len(reviewers))
    has_bias = ~is_anchor & (reviews_given >= priors.min_reviews_for_bias)

    # Posterior means (and precisions or variances) of the current mean-field factors.
    estimate = np.full(len(submissions), prior_mean)
    bias = np.zeros(len(reviewers))
    precision = np.where(is_anchor, priors.anchor_noise_sd**-2, shape / rate)
    iterations, converged = 0, False
    while iterations < max_iterations and not converged:
        iterations += 1
        weight = precision[of_reviewer]
        estimate_precision = prior_true_precision + per_submission(weight)
        new_estimate = (
            prior_true_precision * prior_mean + per_submission(weight * (scores - bias[of_reviewer]))
        ) / estimate_precision

        bias_precision = prior_bias_precision + reviews_given * precision
        residual_sum = per_reviewer(scores - new_estimate[of_submission])
        bias = np.where(has_bias, precision * residual_sum / bias_precision, 0.0)
        bias_variance = np.where(has_bias, 1 / bias_precision, 0.0)

        # Expected squared error under the posteriors: the residual plus the uncertainty
        # left in the true score and in the bias.
        expected_squared_error = (
            (scores - new_estimate[of_submission] - bias[of_reviewer]) ** 2
            + 1 / estimate_precision[of_submission]
            + bias_variance[of_reviewer]
        )
        fitted_precision = (shape + reviews_given / 2) / (rate + per_reviewer(expected_squared_error) / 2)
        precision = np.where(is_anchor, precision, fitted_precision)

        converged = bool(np.max(np.abs(new_estimate - estimate)) < tolerance)
        estimate = new_estimate

    return Pg1Result(
        true_scores=dict(zip(submissions, np.clip(estimate, 0.0, 1.0).tolist(), strict=True)),
        true_score_sds=dict(zip(submissions, (estimate_precision**-0.5).tolist(), strict=True)),
        biases=dict(zip(reviewers, bias.tolist(), strict=True)),
        precisions=dict(zip(reviewers, precision.tolist(), strict=True)),
        iterations=iterations,
        converged=converged,
    )


def rmse(estimates: Mapping[SubmissionId, float], truth: Mapping[SubmissionId, float]) -> float:
    """Root-mean-square error of ``estimates`` over the submissions in ``truth``."""
    return float(np.sqrt(np.mean([(estimates[submission] - score) ** 2 for submission, score in truth.items()])))


def choose_estimator(
    anchor_truth: Mapping[SubmissionId, float],
    corrected: Mapping[SubmissionId, float],
    median: Mapping[SubmissionId, float],
    min_anchors: int = 3,
) -> Estimator:
    """Which estimate a circle is shown: 'corrected' only if it is closer than the median to
    the facilitator's scores (``anchor_truth``, by RMSE), on at least ``min_anchors``
    submissions scored both by a facilitator and by peers.

    ``corrected`` must come from a fit that did not see those facilitator reviews, or it is
    judged on its own input; :func:`choose_estimator_for` takes care of that.
    """
    compared = {submission: score for submission, score in anchor_truth.items() if submission in corrected}
    compared = {submission: score for submission, score in compared.items() if submission in median}
    if len(compared) < min_anchors:
        return "median"
    return "corrected" if rmse(corrected, compared) < rmse(median, compared) else "median"


def choose_estimator_for(
    observations: Iterable[Observation],
    anchors: Collection[PersonId],
    priors: Pg1Priors = Pg1Priors(),  # noqa: B008 - frozen, so sharing the default is safe
    min_anchors: int = 3,
) -> Estimator:
    """:func:`choose_estimator` for one criterion's scores, ``anchors`` being the facilitators.

    Peer scores alone are fitted and summarised, then compared with the mean facilitator
    score of each submission a facilitator scored.
    """
    observed = list(observations)
    peer = [o for o in observed if o.reviewer not in anchors]
    anchor_truth = mean_scores(o for o in observed if o.reviewer in anchors)
    medians = {submission: summary.median for submission, summary in median_scores(peer).items()}
    return choose_estimator(anchor_truth, fit_pg1(peer, priors=priors).true_scores, medians, min_anchors)


def synthetic_circle(
    n_learners: int = 1000,
    reviews_each: int = 4,
    bias_sd: float = 0.10,
    noise_sd_range: tuple[float, float] = (0.05, 0.20),
    true_mean: float = 0.65,
    true_sd: float = 0.15,
    levels: int = 5,
    seed: int = 0,
) -> SyntheticCircle:
    """Simulate a circle under PG1: every learner submits once and reviews ``reviews_each`` others.

    True scores are drawn from ``N(true_mean, true_sd)`` clipped to 0-1; each reviewer gets
    a bias from ``N(0, bias_sd)`` and a noise sd drawn uniformly from ``noise_sd_range``;
    scores are rounded to ``levels`` equally spaced rubric levels (0, .25, .5, .75, 1 for 5).
    Who reviews whom comes from :func:`allocate_at_deadline`.
    """
    rng = np.random.default_rng(seed)
    learners = range(n_learners)
    allocation = allocate_at_deadline(
        [Submission(id=learner, authors=frozenset({learner})) for learner in learners], k=reviews_each, seed=seed
    )
    true_scores = np.clip(rng.normal(true_mean, true_sd, n_learners), 0.0, 1.0)
    biases = rng.normal(0.0, bias_sd, n_learners)
    noise_sds = rng.uniform(*noise_sd_range, n_learners)
    reviewers = np.array([reviewer for reviewer, _ in allocation.assignments], dtype=int)
    submissions = np.array([submission for _, submission in allocation.assignments], dtype=int)
    raw = true_scores[submissions] + biases[reviewers] + rng.normal(0.0, 1.0, len(reviewers)) * noise_sds[reviewers]
    step = 1 / (levels - 1)
    scores = np.clip(np.round(raw / step) * step, 0.0, 1.0)
    return SyntheticCircle(
        observations=[
            Observation(reviewer=r, submission=s, score=z)
            for r, s, z in zip(reviewers.tolist(), submissions.tolist(), scores.tolist(), strict=True)
        ],
        true_scores=dict(zip(learners, true_scores.tolist(), strict=True)),
        biases=dict(zip(learners, biases.tolist(), strict=True)),
    )


def _scores_by_submission(observations: Iterable[Observation]) -> dict[SubmissionId, list[float]]:
    scores: defaultdict[SubmissionId, list[float]] = defaultdict(list)
    for observation in observations:
        scores[observation.submission].append(observation.score)
    return scores
