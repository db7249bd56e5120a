"""Turning peer-review scores into a grade: median, mean, a corrected estimate, and which to show.

Pure functions without Django, on one rubric criterion at a time, scores as fractions of the
criterion's maximum (0 to 1). :func:`median_scores` gives the median with the *median absolute
deviation* as spread (with three to five reviews, quartiles depend on an interpolation rule).

**Corrected estimate** (:func:`fit_pg1`): the PG1 model of Piech et al. 2013, a score being
``z = s_u + b_v + noise`` (true score, reviewer bias, reviewer noise of precision ``tau_v``),
fitted by mean-field variational Bayes. Its priors adapt to the circle, not fixed (a fixed
true-score spread of 0.15 did worse than the median when true scores were spread wider, issue
15): :func:`estimate_spreads` estimates the spreads of true scores, biases and noise from the
peers' scores by the method of moments (one-way analysis of variance; each review against the
other reviews of the same work), within :class:`Pg1Settings`' bounds. So the pull toward the
circle's mean fades when true scores are spread wide or reviews are precise, and reviewers
who do not differ get no bias correction. Biases have a Student-t prior (two degrees of
freedom), so one far harsher reviewer is still corrected for. Posterior means are then spread
out to the expected spread of the true scores (constrained Bayes: Louis 1984, Ghosh 1992) so
that the best and weakest work are not drawn to the middle: on the benchmark their mean
absolute error is below the median's. Facilitators' reviews can be *anchors*: reviewers with
no bias and a fixed high precision.

**Which is shown** (:func:`choose_estimator_for`) rests on ground truth, the facilitators'
scores: the median unless facilitators scored at least ``min_anchors`` pieces of work, enough
reviewers overlap to tell biases from quality, and a fit of the peer scores alone came at
least as close as the median to the facilitators' scores. With fewer anchors the median is
shown and :attr:`EstimatorChoice.explanation` says so. In every benchmark regime
(bench/review_data.py) the shown score is on average closer to the truth than the median.

**Calibration weights.** Where an activity has calibration examples, a reviewer's accuracy on
them can set their prior in the fit: ``reviewer_weights`` maps a reviewer to a weight ``w``
that multiplies the prior mean of their noise precision (the Gamma prior's rate is divided by
``w``), so their scores count for more (or less) until their own reviews show otherwise; the
data still decide with enough reviews. :func:`calibration_weight` maps calibration error ``e``
(mean absolute distance from the reference scores, as a fraction of each criterion's range) to
``w = 2 ** (1 - e / CALIBRATION_NEUTRAL_ERROR)``, clipped to ``[MIN_CALIBRATION_WEIGHT,
MAX_CALIBRATION_WEIGHT]`` = ``[0.5, 2]``: perfect calibration doubles the prior precision, an
error of ``CALIBRATION_NEUTRAL_ERROR`` (0.15: about half a level on a five-level rubric)
leaves it as without calibration, and twice that or worse halves it. Reviewers without
calibration, and anchors (whose precision is fixed), get weight 1. The weight never moves the
median, and the choice of what is shown still rests on the facilitators' scores.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from cohorts.review.allocation import PersonId, SubmissionId, id_sort_key

Estimator = Literal["corrected", "median"]


def _english_gettext(message: str) -> str:
    return message


def _english_ngettext(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


#: Why a circle is shown the estimate it is; :attr:`EstimatorChoice.explanation` words it.
ChoiceReason = Literal["too_few_anchors", "too_little_overlap", "closer_to_anchors", "not_closer_to_anchors"]

#: Bounds of a reviewer's calibration weight, and the calibration error that means weight 1.
MIN_CALIBRATION_WEIGHT = 0.5
MAX_CALIBRATION_WEIGHT = 2.0
CALIBRATION_NEUTRAL_ERROR = 0.15


def calibration_weight(error: float) -> float:
    """A reviewer's weight from their calibration error (0 to 1); see the module docstring."""
    if not 0.0 <= error <= 1.0:
        raise ValueError("calibration error must be between 0 and 1")
    weight = 2.0 ** (1.0 - error / CALIBRATION_NEUTRAL_ERROR)
    return min(max(weight, MIN_CALIBRATION_WEIGHT), MAX_CALIBRATION_WEIGHT)


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
class CircleSpreads:
    """Variances on the 0-1 scale estimated from a circle's peer scores by the method of moments.

    ``true`` is the variance of the true scores, ``bias`` of the reviewers' biases, ``noise``
    of a score around its reviewer's bias (these two can come out negative when the truth is
    near zero; the fit bounds them). ``reviewers`` counts those the bias estimate rests on:
    two or more reviews of work that others reviewed too.
    """

    true: float
    bias: float
    noise: float
    reviewers: int


@dataclass(frozen=True)
class Pg1Settings:
    """Bounds and fixed parts of the fit, as standard deviations on the 0-1 scale.

    The estimated spreads are clipped to ``[min_*_sd, max_*_sd]``; a bias spread below
    ``min_bias_sd`` means no bias correction at all. Each reviewer's noise precision has a
    prior of shape ``noise_shape`` whose mean is the circle's estimated noise; biases a
    Student-t prior with ``bias_degrees_of_freedom``, scaled by their estimated spread.
    Anchors count as reviewers with no bias and noise ``anchor_noise_sd``; a reviewer's bias
    is estimated only from ``min_reviews_for_bias`` reviews on.
    """

    min_true_sd: float = 0.05
    max_true_sd: float = 0.5
    min_bias_sd: float = 0.01
    max_bias_sd: float = 0.3
    min_noise_sd: float = 0.02
    max_noise_sd: float = 0.5
    noise_shape: float = 2.0
    anchor_noise_sd: float = 0.05
    min_reviews_for_bias: int = 2
    bias_degrees_of_freedom: float = 2.0


@dataclass(frozen=True)
class Pg1Result:
    """Fitted PG1 model: posterior means of true scores, biases and precisions.

    ``true_score_sds`` are the posterior standard deviations of the true scores; ``spreads``
    what the priors were set from. ``converged`` is False if ``max_iterations`` ran out first.
    """

    true_scores: dict[SubmissionId, float]
    true_score_sds: dict[SubmissionId, float]
    biases: dict[PersonId, float]
    precisions: dict[PersonId, float]
    spreads: CircleSpreads
    iterations: int
    converged: bool


@dataclass(frozen=True)
class EstimatorChoice:
    """Which estimate a criterion shows, why, and on how many facilitator-scored submissions."""

    estimator: Estimator
    reason: ChoiceReason
    anchored_submissions: int
    min_anchors: int

    @property
    def explanation(self) -> str:
        """The reason in plain words (English), for the people reading the scores."""
        return self.explain(gettext=_english_gettext, ngettext=_english_ngettext)

    def explain(self, *, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> str:
        """The reason in plain words, worded by ``gettext``/``ngettext`` (Django's, to translate it: this module
        stays free of Django, and makemessages finds the sentences by those names)."""
        values = {"anchored": self.anchored_submissions, "needed": self.min_anchors}
        match self.reason:
            case "too_few_anchors":
                words = ngettext(
                    "A facilitator has scored %(anchored)d of the %(needed)d piece of work needed to check a "
                    "corrected score against, so the median is shown.",
                    "A facilitator has scored %(anchored)d of the %(needed)d pieces of work needed to check a "
                    "corrected score against, so the median is shown.",
                    self.min_anchors,
                )
            case "too_little_overlap":
                words = gettext(
                    "Too few reviewers scored several pieces of work that others scored too for their strictness "
                    "to be told apart from the work's quality, so the median is shown."
                )
            case "closer_to_anchors":
                words = ngettext(
                    "On the %(anchored)d piece of work a facilitator also scored, the corrected score came at "
                    "least as close to the facilitator's scores as the median.",
                    "On the %(anchored)d pieces of work a facilitator also scored, the corrected score came at "
                    "least as close to the facilitator's scores as the median.",
                    self.anchored_submissions,
                )
            case "not_closer_to_anchors":
                words = ngettext(
                    "On the %(anchored)d piece of work a facilitator also scored, the corrected score was "
                    "further from the facilitator's scores than the median, so the median is shown.",
                    "On the %(anchored)d pieces of work a facilitator also scored, the corrected score was "
                    "further from the facilitator's scores than the median, so the median is shown.",
                    self.anchored_submissions,
                )
        return words % values


@dataclass(frozen=True)
class CriterionScores:
    """Everything one criterion's scores give: medians, the corrected fit, and which is shown."""

    medians: dict[SubmissionId, ScoreSummary]
    corrected: Pg1Result
    choice: EstimatorChoice

    @property
    def shown(self) -> dict[SubmissionId, float]:
        if self.choice.estimator == "corrected":
            return self.corrected.true_scores
        return {submission: summary.median for submission, summary in self.medians.items()}


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


def estimate_spreads(observations: Iterable[Observation], anchors: Collection[PersonId] = frozenset()) -> CircleSpreads:
    """Spreads of true scores, reviewer biases and noise in one circle, from the peers' scores.

    One-way analysis of variance for the true scores: the variance of the submissions' mean
    scores less the part the reviews' own spread explains. For the biases, each review is
    compared with the mean of the other reviews of the same work; a reviewer's mean
    difference varies by their bias plus noise whose size their own differences show.
    """
    peer = [o for o in observations if o.reviewer not in anchors]
    if not peer:
        return CircleSpreads(true=0.0, bias=0.0, noise=0.0, reviewers=0)
    _, of_submission = _indices([o.submission for o in peer])
    _, of_reviewer = _indices([o.reviewer for o in peer])
    scores = np.array([o.score for o in peer], dtype=float)
    count = np.bincount(of_submission)
    total = np.bincount(of_submission, weights=scores)
    mean = total / count
    shared = count >= 2
    within = np.bincount(of_submission, weights=(scores - mean[of_submission]) ** 2)[shared] / (count[shared] - 1)
    pooled_within = float(within.mean()) if within.size else 0.0
    true = float(mean.var(ddof=1) - pooled_within * np.mean(1 / count)) if mean.size >= 2 else 0.0

    compared = shared[of_submission]
    others = count[of_submission][compared] - 1
    difference = scores[compared] - (total[of_submission][compared] - scores[compared]) / others
    by_reviewer = of_reviewer[compared]
    reviews = np.bincount(by_reviewer, minlength=of_reviewer.max() + 1)
    mean_difference = np.bincount(by_reviewer, weights=difference, minlength=reviews.size) / np.maximum(reviews, 1)
    squares = np.bincount(by_reviewer, weights=(difference - mean_difference[by_reviewer]) ** 2, minlength=reviews.size)
    counted = reviews >= 2
    reviewers = int(counted.sum())
    if reviewers < 2:
        return CircleSpreads(true=true, bias=0.0, noise=pooled_within, reviewers=reviewers)
    centred = mean_difference[counted] - mean_difference[counted].mean()
    # Each reviewer's share: squared mean difference less what their noise alone would give.
    share = centred**2 * reviewers / (reviewers - 1) - squares[counted] / (reviews[counted] - 1) / reviews[counted]
    bias = float(share.mean())
    return CircleSpreads(
        true=true,
        bias=bias,
        noise=max(pooled_within - max(bias, 0.0), 0.0),
        reviewers=reviewers,
    )


def fit_pg1(
    observations: Iterable[Observation],
    anchors: Collection[PersonId] = frozenset(),
    settings: Pg1Settings = Pg1Settings(),  # noqa: B008 - frozen, so sharing the default is safe
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    reviewer_weights: Mapping[PersonId, float] | None = None,
) -> Pg1Result:
    """Fit PG1 to the scores; ``anchors`` are reviewers (facilitators) trusted as unbiased.

    The priors come from :func:`estimate_spreads` within ``settings``' bounds;
    ``reviewer_weights`` (see :func:`calibration_weight`) scale single reviewers' noise
    priors, 1 for anyone left out. True-score estimates are clipped to the 0-1 scale.
    """
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    observed = list(observations)
    spreads = estimate_spreads(observed, anchors)
    if not observed:
        return Pg1Result({}, {}, {}, {}, spreads, iterations=0, converged=True)
    submissions, of_submission = _indices([o.submission for o in observed])
    reviewers, of_reviewer = _indices([o.reviewer for o in observed])
    scores = np.array([o.score for o in observed], dtype=float)

    def per_submission(weights: np.ndarray) -> np.ndarray:
        return np.bincount(of_submission, weights=weights, minlength=len(submissions))

    def per_reviewer(weights: np.ndarray) -> np.ndarray:
        return np.bincount(of_reviewer, weights=weights, minlength=len(reviewers))

    is_anchor = np.array([reviewer in anchors for reviewer in reviewers], dtype=bool)
    prior_mean = scores[~is_anchor[of_reviewer]].mean() if (~is_anchor).any() else scores.mean()
    true_variance = np.clip(spreads.true, settings.min_true_sd**2, settings.max_true_sd**2)
    prior_true_precision = 1 / true_variance
    corrects_bias = spreads.bias >= settings.min_bias_sd**2
    bias_scale = min(max(spreads.bias, settings.min_bias_sd**2), settings.max_bias_sd**2)
    noise_variance = np.clip(spreads.noise, settings.min_noise_sd**2, settings.max_noise_sd**2)
    prior_weights = np.array([_bounded_weight((reviewer_weights or {}).get(reviewer, 1.0)) for reviewer in reviewers])
    shape, rate = settings.noise_shape, settings.noise_shape * noise_variance / prior_weights
    reviews_given = np.bincount(of_reviewer, minlength=len(reviewers))
    has_bias = ~is_anchor & (reviews_given >= settings.min_reviews_for_bias) & corrects_bias

    # Posterior means (and precisions or variances) of the current mean-field factors.
    estimate = np.full(len(submissions), prior_mean)
    bias = np.zeros(len(reviewers))
    prior_bias_precision = np.full(len(reviewers), 1 / bias_scale)
    precision = np.where(is_anchor, settings.anchor_noise_sd**-2, shape / rate)
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
        # Student-t prior as a scale mixture: a reviewer whose bias stands out is shrunk less.
        degrees = settings.bias_degrees_of_freedom
        prior_bias_precision = (degrees + 1) / (degrees * bias_scale + bias**2 + bias_variance)

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

    spread_out = np.clip(_spread_to_truth(estimate, estimate_precision), 0.0, 1.0)
    return Pg1Result(
        true_scores=dict(zip(submissions, spread_out.tolist(), strict=True)),
        true_score_sds=dict(zip(submissions, (estimate_precision**-0.5).tolist(), strict=True)),
        biases=dict(zip(reviewers, bias.tolist(), strict=True)),
        precisions=dict(zip(reviewers, precision.tolist(), strict=True)),
        spreads=spreads,
        iterations=iterations,
        converged=converged,
    )


def rmse(estimates: Mapping[SubmissionId, float], truth: Mapping[SubmissionId, float]) -> float:
    """Root-mean-square error of ``estimates`` over the submissions in ``truth``."""
    return float(np.sqrt(np.mean([(estimates[submission] - score) ** 2 for submission, score in truth.items()])))


def choose_estimator_for(
    observations: Iterable[Observation],
    anchors: Collection[PersonId],
    settings: Pg1Settings = Pg1Settings(),  # noqa: B008 - frozen, so sharing the default is safe
    min_anchors: int = 3,
    min_reviewers: int = 6,
    reviewer_weights: Mapping[PersonId, float] | None = None,
) -> EstimatorChoice:
    """Which estimate one criterion shows, ``anchors`` being the facilitators.

    The median, unless all of: facilitators scored at least ``min_anchors`` submissions that
    peers scored too; the peers' biases can be estimated, from at least ``min_reviewers``
    reviewers (see :class:`CircleSpreads`); and on the facilitator-scored submissions, a fit of
    the peer scores alone comes at least as close to the facilitators' mean scores as the
    peers' median does. The fit must not see the facilitators' reviews, or it would be judged
    on its own input.
    """
    observed = list(observations)
    peer = [o for o in observed if o.reviewer not in anchors]
    peer_scored = {o.submission for o in peer}
    anchor_truth = {
        submission: score
        for submission, score in mean_scores(o for o in observed if o.reviewer in anchors).items()
        if submission in peer_scored
    }

    def choice(estimator: Estimator, reason: ChoiceReason) -> EstimatorChoice:
        return EstimatorChoice(estimator, reason, anchored_submissions=len(anchor_truth), min_anchors=min_anchors)

    if len(anchor_truth) < min_anchors:
        return choice("median", "too_few_anchors")
    if estimate_spreads(peer).reviewers < min_reviewers:
        return choice("median", "too_little_overlap")
    corrected = fit_pg1(peer, settings=settings, reviewer_weights=reviewer_weights).true_scores
    medians = {submission: summary.median for submission, summary in median_scores(peer).items()}
    if rmse(corrected, anchor_truth) <= rmse(medians, anchor_truth):
        return choice("corrected", "closer_to_anchors")
    return choice("median", "not_closer_to_anchors")


def score_criterion(
    observations: Iterable[Observation],
    anchors: Collection[PersonId],
    reviewer_weights: Mapping[PersonId, float] | None = None,
) -> CriterionScores:
    """Medians, the corrected fit (anchored by the facilitators, weighted by calibration) and the choice."""
    observed = list(observations)
    return CriterionScores(
        medians=median_scores(observed),
        corrected=fit_pg1(observed, anchors=anchors, reviewer_weights=reviewer_weights),
        choice=choose_estimator_for(observed, anchors, reviewer_weights=reviewer_weights),
    )


def _bounded_weight(weight: float) -> float:
    return min(max(float(weight), MIN_CALIBRATION_WEIGHT), MAX_CALIBRATION_WEIGHT)


def _spread_to_truth(estimate: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Posterior means spread out about their mean to the expected spread of the true scores.

    The expected variance of the true scores given the data is the variance of the posterior
    means plus the mean posterior variance (Louis 1984); stretching the means to match it
    (Ghosh 1992) undoes the pull of the best and weakest work toward the middle.
    """
    spread = estimate.var()
    if estimate.size < 2 or spread == 0:
        return estimate
    centre = estimate.mean()
    return centre + (estimate - centre) * np.sqrt(1 + np.mean(1 / precision) / spread)


def _indices(ids: list[PersonId] | list[SubmissionId]) -> tuple[list, np.ndarray]:
    """The distinct ids in a fixed order, and each given id's position among them."""
    distinct = sorted(set(ids), key=id_sort_key)
    position = {value: i for i, value in enumerate(distinct)}
    return distinct, np.array([position[value] for value in ids])


def _scores_by_submission(observations: Iterable[Observation]) -> dict[SubmissionId, list[float]]:
    scores: defaultdict[SubmissionId, list[float]] = defaultdict(list)
    for observation in observations:
        scores[observation.submission].append(observation.score)
    return scores
