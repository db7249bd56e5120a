"""Scoring peer reviews: median, disagreement, the adaptive corrected estimate, and which one is shown."""

import random
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.review_data import FACILITATOR, REGIMES, extremes_mae, pooled_rmse, synthetic_circle
from cohorts.review.scoring import (
    Observation,
    Pg1Settings,
    choose_estimator_for,
    disagreement,
    estimate_spreads,
    fit_pg1,
    mean_scores,
    median_scores,
    rmse,
    score_criterion,
)

seeds = st.integers(0, 10_000)


def test_corrected_estimate_meets_its_targets_on_the_canonical_circle() -> None:
    error = pooled_rmse([synthetic_circle(seed=seed) for seed in range(4)])

    assert error["corrected"] <= 0.80 * error["median"]
    assert error["corrected"] <= 0.90 * error["mean"]


def test_corrected_estimate_is_no_worse_than_median_without_reviewer_bias() -> None:
    error = pooled_rmse([synthetic_circle(bias_sd=0.0, seed=seed) for seed in range(4)])

    assert error["corrected"] <= error["median"]


@pytest.mark.parametrize("reviews_each", [3, 5])
@pytest.mark.parametrize("bias_sd", [0.0, 0.05, 0.2])
@pytest.mark.parametrize("noise_sd_range", [(0.01, 0.05), (0.1, 0.3)])
def test_corrected_estimate_holds_up_across_settings(
    reviews_each: int, bias_sd: float, noise_sd_range: tuple[float, float]
) -> None:
    # The worst ratio to the median seen across these settings was 0.82; 0.95 leaves room
    # for other seeds.
    circles = [
        synthetic_circle(
            n_learners=300, reviews_each=reviews_each, bias_sd=bias_sd, noise_sd_range=noise_sd_range, seed=seed
        )
        for seed in range(3)
    ]
    error = pooled_rmse(circles)

    assert error["corrected"] <= 0.95 * error["median"]


def test_corrected_estimate_is_no_worse_than_median_in_small_circles() -> None:
    # One circle of 30 can go either way; on average over many it must not lose.
    error = pooled_rmse([synthetic_circle(n_learners=30, reviews_each=3, seed=seed) for seed in range(20)])

    assert error["corrected"] <= error["median"]


def test_corrected_estimate_judges_the_best_and_weakest_work_better_than_the_median() -> None:
    extremes = extremes_mae([synthetic_circle(seed=seed) for seed in range(10, 14)])

    assert extremes["corrected"] <= extremes["median"]


@pytest.mark.parametrize("regime", ["wide", "bimodal", "lownoise10", "small"])
def test_the_shown_score_does_no_harm_in_any_regime(regime: str) -> None:
    # Other seeds than the benchmark's, so that this is not the benchmark checked twice.
    error = pooled_rmse(REGIMES[regime].draw(first_seed=1000))

    assert error["shown"] <= error["median"]


def test_the_shown_score_beats_the_median_on_pg1_like_data() -> None:
    small = pooled_rmse(REGIMES["small"].draw(first_seed=2000))
    anchored = pooled_rmse([synthetic_circle(n_learners=300, anchored_submissions=30, seed=seed) for seed in range(3)])

    assert small["shown"] < small["median"]
    assert anchored["shown"] < anchored["median"]


def test_spreads_are_estimated_from_the_data() -> None:
    circle = synthetic_circle(
        n_learners=3000, reviews_each=5, true_mean=0.5, true_sd=0.15, bias_sd=0.1, levels=101, seed=8
    )

    spreads = estimate_spreads(circle.observations)

    assert spreads.true == pytest.approx(statistics.variance(circle.true_scores.values()), rel=0.1)
    assert spreads.bias == pytest.approx(statistics.variance(circle.biases.values()), rel=0.15)
    # Noise sds uniform on 0.05-0.2: a mean variance of (0.05² + 0.05 x 0.2 + 0.2²) / 3.
    assert spreads.noise == pytest.approx(0.0175, rel=0.15)
    assert spreads.reviewers == 3000


def test_without_reviewer_bias_there_is_no_bias_correction() -> None:
    circle = synthetic_circle(n_learners=1000, bias_sd=0.0, levels=101, seed=9)

    fit = fit_pg1(circle.observations)

    assert fit.spreads.bias < 0.01**2
    assert set(fit.biases.values()) == {0.0}


def test_wide_true_scores_are_not_pulled_to_the_middle() -> None:
    circle = synthetic_circle(n_learners=1000, true_sd=0.28, bias_sd=0.0, noise_sd_range=(0.01, 0.05), seed=3)

    estimates = fit_pg1(circle.observations).true_scores

    assert statistics.pstdev(estimates.values()) == pytest.approx(
        statistics.pstdev(circle.true_scores.values()), rel=0.05
    )


def test_fit_recovers_reviewer_biases() -> None:
    circle = synthetic_circle(n_learners=400, bias_sd=0.2, noise_sd_range=(0.02, 0.08), seed=1)
    fit = fit_pg1(circle.observations)

    reviewers = sorted(circle.biases)
    estimated = [fit.biases[reviewer] for reviewer in reviewers]
    assert np.corrcoef(estimated, [circle.biases[reviewer] for reviewer in reviewers])[0, 1] > 0.8
    assert fit.converged


def test_a_harsh_reviewer_is_corrected_for() -> None:
    # With little bias in the circle, learner 7 scores everything one rubric level lower.
    circle = synthetic_circle(n_learners=200, bias_sd=0.02, noise_sd_range=(0.02, 0.05), seed=6)
    observations = [
        Observation(o.reviewer, o.submission, max(0.0, o.score - 0.25)) if o.reviewer == 7 else o
        for o in circle.observations
    ]
    reviewed_by_harsh = {o.submission for o in observations if o.reviewer == 7}

    fit = fit_pg1(observations)

    assert fit.biases[7] < -0.1
    assert min(fit.biases, key=fit.biases.__getitem__) == 7
    truth = {submission: circle.true_scores[submission] for submission in reviewed_by_harsh}
    assert rmse(fit.true_scores, truth) < rmse(mean_scores(observations), truth)


def test_anchors_keep_zero_bias_and_pull_their_submissions() -> None:
    circle = synthetic_circle(n_learners=100, seed=4)
    scored_by_facilitator = list(range(10))
    facilitator = [Observation(FACILITATOR, submission, 1.0) for submission in scored_by_facilitator]

    plain = fit_pg1(circle.observations)
    anchored = fit_pg1(circle.observations + facilitator, anchors={FACILITATOR})

    assert anchored.biases[FACILITATOR] == 0.0
    assert anchored.precisions[FACILITATOR] == pytest.approx(Pg1Settings().anchor_noise_sd ** -2)
    assert anchored.spreads == plain.spreads  # the spreads are the peers'
    for submission in scored_by_facilitator:
        assert anchored.true_scores[submission] > plain.true_scores[submission]
        assert anchored.true_score_sds[submission] < plain.true_score_sds[submission]


def test_bias_needs_enough_reviews() -> None:
    circle = synthetic_circle(n_learners=100, bias_sd=0.2, seed=5)
    once = [*circle.observations, Observation("once", 1, 1.0)]

    assert fit_pg1(once).biases["once"] == 0.0
    assert fit_pg1(once, settings=Pg1Settings(min_reviews_for_bias=1)).biases["once"] > 0.0


def test_fit_of_nothing_and_of_unanimous_scores() -> None:
    assert fit_pg1([]).true_scores == {}
    unanimous = [Observation(reviewer, submission, 0.75) for reviewer in "abc" for submission in (1, 2)]

    fit = fit_pg1(unanimous)

    assert fit.true_scores == pytest.approx({1: 0.75, 2: 0.75})
    assert fit.biases == pytest.approx({"a": 0.0, "b": 0.0, "c": 0.0})


@settings(max_examples=40, deadline=None)
@given(seed=seeds, n_learners=st.integers(6, 24), anchored=st.integers(0, 4), data=st.data())
def test_relabelling_and_reordering_change_no_estimate(seed: int, n_learners: int, anchored: int, data) -> None:
    circle = synthetic_circle(n_learners=n_learners, reviews_each=3, anchored_submissions=anchored, seed=seed)
    people = [*circle.biases, FACILITATOR]
    new_names = data.draw(st.permutations([f"p{i}" for i in range(len(people))]))
    person = dict(zip(people, new_names, strict=True))
    work = dict(zip(circle.true_scores, data.draw(st.permutations(range(100, 100 + n_learners))), strict=True))
    relabelled = [Observation(person[o.reviewer], work[o.submission], o.score) for o in circle.observations]
    relabelled = random.Random(seed).sample(relabelled, len(relabelled))

    before = score_criterion(circle.observations, circle.anchors)
    after = score_criterion(relabelled, {person[anchor] for anchor in circle.anchors})

    assert after.choice == before.choice
    for submission, score in before.corrected.true_scores.items():
        assert after.corrected.true_scores[work[submission]] == pytest.approx(score, abs=1e-5)
        assert after.medians[work[submission]] == before.medians[submission]


observation_lists = st.lists(
    st.builds(
        Observation,
        reviewer=st.integers(0, 8),
        submission=st.integers(0, 8),
        score=st.floats(0.0, 1.0, allow_nan=False),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(observations=observation_lists, anchors=st.sets(st.integers(0, 8), max_size=2))
def test_every_estimate_stays_on_the_rubric_scale(observations: list[Observation], anchors: set[int]) -> None:
    scores = score_criterion(observations, anchors)

    for estimates in (scores.corrected.true_scores, scores.shown):
        assert estimates.keys() == {o.submission for o in observations}
        assert all(0.0 <= estimate <= 1.0 for estimate in estimates.values())


@settings(max_examples=30, deadline=None)
@given(seed=seeds, anchored=st.integers(0, 2), bias_sd=st.sampled_from([0.0, 0.1, 0.3]))
def test_with_fewer_facilitator_scores_than_needed_the_median_is_shown_and_why(
    seed: int, anchored: int, bias_sd: float
) -> None:
    circle = synthetic_circle(n_learners=30, bias_sd=bias_sd, anchored_submissions=anchored, seed=seed)

    choice = choose_estimator_for(circle.observations, circle.anchors, min_anchors=3)

    assert (choice.estimator, choice.reason, choice.anchored_submissions) == ("median", "too_few_anchors", anchored)
    assert f"scored {anchored} of the 3 pieces of work" in choice.explanation


def test_the_corrected_score_is_shown_when_it_comes_closer_to_the_facilitator() -> None:
    circle = synthetic_circle(n_learners=300, bias_sd=0.2, anchored_submissions=30, seed=5)

    choice = choose_estimator_for(circle.observations, circle.anchors)

    assert (choice.estimator, choice.reason, choice.anchored_submissions) == ("corrected", "closer_to_anchors", 30)


def test_the_median_is_shown_when_the_facilitator_agrees_with_it_instead() -> None:
    circle = synthetic_circle(n_learners=300, bias_sd=0.2, seed=5)
    medians = median_scores(circle.observations)
    facilitator = [Observation(FACILITATOR, submission, medians[submission].median) for submission in range(30)]

    choice = choose_estimator_for(circle.observations + facilitator, {FACILITATOR})

    assert (choice.estimator, choice.reason) == ("median", "not_closer_to_anchors")
    assert "further from the facilitator's scores" in choice.explanation


def test_the_median_is_shown_when_too_few_reviewers_overlap() -> None:
    circle = synthetic_circle(n_learners=5, reviews_each=2, bias_sd=0.2, anchored_submissions=5, seed=1)

    choice = choose_estimator_for(circle.observations, circle.anchors, min_reviewers=6)

    assert (choice.estimator, choice.reason) == ("median", "too_little_overlap")


def test_median_with_median_absolute_deviation() -> None:
    observations = [
        Observation(reviewer, "s", score) for reviewer, score in zip("abcd", [0.0, 0.5, 0.75, 1.0], strict=True)
    ]
    observations.append(Observation("a", "t", 0.25))

    summaries = median_scores(observations)

    assert summaries["s"].median == 0.625
    assert summaries["s"].spread == 0.25  # deviations 0.625, 0.125, 0.125, 0.375
    assert summaries["s"].count == 4
    assert (summaries["t"].median, summaries["t"].spread, summaries["t"].count) == (0.25, 0.0, 1)
    assert mean_scores(observations) == {"s": 0.5625, "t": 0.25}


@given(
    scores=st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), min_size=1, max_size=8),
    threshold=st.sampled_from([0.25, 0.5, 0.75]),
)
def test_disagreement_is_flagged_exactly_when_the_range_reaches_the_threshold(
    scores: list[float], threshold: float
) -> None:
    observations = [Observation(reviewer, "s", score) for reviewer, score in enumerate(scores)]

    result = disagreement(observations, threshold=threshold)["s"]

    assert result.range == max(scores) - min(scores)
    assert result.flagged == (result.range >= threshold)


def test_one_far_off_reviewer_is_flagged_though_the_median_hides_it() -> None:
    observations = [Observation("a", 1, 1.0), Observation("b", 1, 1.0), Observation("c", 1, 0.25)]

    assert median_scores(observations)[1].spread == 0.0
    assert disagreement(observations)[1].flagged


def test_synthetic_circle_follows_the_canonical_setup() -> None:
    circle = synthetic_circle(seed=3)

    assert len(circle.true_scores) == 1000
    assert {o.score for o in circle.observations} <= {0.0, 0.25, 0.5, 0.75, 1.0}
    assert all(o.reviewer != o.submission for o in circle.observations)
    reviews_given = [o.reviewer for o in circle.observations]
    assert {reviews_given.count(learner) for learner in range(0, 1000, 97)} == {4}
    assert statistics.fmean(circle.true_scores.values()) == pytest.approx(0.65, abs=0.02)
    assert statistics.stdev(circle.biases.values()) == pytest.approx(0.10, abs=0.01)
    assert circle.anchors == frozenset()
    assert synthetic_circle(seed=3) == circle


def test_synthetic_circle_with_two_clusters_and_a_facilitator() -> None:
    circle = synthetic_circle(n_learners=400, true_shape="bimodal", true_sd=0.25, anchored_submissions=3, seed=3)

    true_scores = np.array(list(circle.true_scores.values()))
    assert np.mean(np.abs(true_scores - 0.65) > 0.1) > 0.9  # few in the middle
    facilitator = [o for o in circle.observations if o.reviewer == FACILITATOR]
    assert circle.anchors == {FACILITATOR} and [o.submission for o in facilitator] == [0, 1, 2]
    assert all(abs(o.score - circle.true_scores[o.submission]) <= 0.125 for o in facilitator)
