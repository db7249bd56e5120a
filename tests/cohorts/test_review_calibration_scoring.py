"""Calibration accuracy (pure) and how it weighs in the corrected scores (cohorts.review.scoring)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohorts.review.calibration import CalibrationScore, calibration_errors
from cohorts.review.scoring import (
    MAX_CALIBRATION_WEIGHT,
    MIN_CALIBRATION_WEIGHT,
    Observation,
    calibration_weight,
    fit_pg1,
    score_criterion,
)

errors = st.floats(0, 1, allow_nan=False)
seeds = st.integers(0, 10_000)


@given(better=errors, worse=errors)
def test_a_better_calibrated_reviewer_never_weighs_less(better, worse) -> None:
    better, worse = min(better, worse), max(better, worse)

    assert calibration_weight(better) >= calibration_weight(worse)


@given(error=errors)
def test_weights_stay_within_their_bounds(error) -> None:
    assert MIN_CALIBRATION_WEIGHT <= calibration_weight(error) <= MAX_CALIBRATION_WEIGHT


def test_perfect_calibration_doubles_the_weight_and_poor_calibration_halves_it() -> None:
    assert calibration_weight(0.0) == MAX_CALIBRATION_WEIGHT
    assert calibration_weight(0.15) == pytest.approx(1.0)
    assert calibration_weight(0.5) == MIN_CALIBRATION_WEIGHT
    with pytest.raises(ValueError):
        calibration_weight(1.5)


def test_calibration_error_is_the_mean_distance_per_example_as_a_share_of_the_range() -> None:
    scores = [
        # Example 1: one criterion exact, one a level off (of four): 0.125.
        CalibrationScore("ana", 1, "clarity", 3, 3, 1, 5),
        CalibrationScore("ana", 1, "evidence", 4, 3, 1, 5),
        # Example 2: two levels off on its only criterion scored: 0.5.
        CalibrationScore("ana", 2, "clarity", 1, 3, 1, 5),
        CalibrationScore("bo", 1, "clarity", 3, 3, 1, 5),
    ]

    assert calibration_errors(scores) == {"ana": pytest.approx(0.3125), "bo": 0.0}


def _circle(rng: random.Random, n: int = 8, k: int = 3) -> list[Observation]:
    truth = [rng.random() for _ in range(n)]
    observations = []
    for submission in range(n):
        for offset in range(1, k + 1):
            reviewer = (submission + offset) % n
            score = min(max(truth[submission] + rng.gauss(0, 0.15), 0.0), 1.0)
            observations.append(Observation(reviewer=reviewer, submission=submission, score=score))
    return observations


weights_for = st.dictionaries(st.integers(0, 7), st.floats(0.1, 5, allow_nan=False), max_size=8)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, weights=weights_for)
def test_weighted_scores_stay_on_the_scale_and_ignore_the_order_of_reviews(seed, weights) -> None:
    observations = _circle(random.Random(seed))
    shuffled = observations[:]
    random.Random(seed + 1).shuffle(shuffled)

    fitted = fit_pg1(observations, reviewer_weights=weights)
    again = fit_pg1(shuffled, reviewer_weights=weights)

    assert all(0.0 <= score <= 1.0 for score in fitted.true_scores.values())
    assert fitted.true_scores.keys() == again.true_scores.keys()
    for submission, score in fitted.true_scores.items():
        assert again.true_scores[submission] == pytest.approx(score, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, reviewer=st.integers(0, 7))
def test_a_perfectly_calibrated_reviewer_never_counts_for_less_than_a_poorly_calibrated_one(seed, reviewer) -> None:
    observations = _circle(random.Random(seed))

    trusted = fit_pg1(observations, reviewer_weights={reviewer: calibration_weight(0.0)})
    doubted = fit_pg1(observations, reviewer_weights={reviewer: calibration_weight(0.6)})

    assert trusted.precisions[reviewer] >= doubted.precisions[reviewer]


def test_the_estimate_leans_toward_the_better_calibrated_of_two_reviewers() -> None:
    observations = [Observation("ana", 1, 0.9), Observation("bo", 1, 0.3)]

    toward_ana = fit_pg1(observations, reviewer_weights={"ana": 2.0, "bo": 0.5}).true_scores[1]
    toward_bo = fit_pg1(observations, reviewer_weights={"ana": 0.5, "bo": 2.0}).true_scores[1]

    assert toward_ana > 0.6 > toward_bo


def test_without_weights_scores_are_as_before() -> None:
    observations = _circle(random.Random(3))

    assert fit_pg1(observations).true_scores == fit_pg1(observations, reviewer_weights={}).true_scores
    assert score_criterion(observations, set()).medians == score_criterion(observations, set(), {0: 2.0}).medians
