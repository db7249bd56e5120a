"""The comparison of a learner's scores of their own work with their reviewers' (pure, property-tested)."""

from hypothesis import given
from hypothesis import strategies as st

from cohorts.review.self_comparison import CriterionScale, SelfComparison, compare_criterion

LEVELS = CriterionScale((1, 2, 3, 4, 5))
level = st.integers(1, 5)
levels = st.lists(level, min_size=1, max_size=6)


def compare(self_score, peers=(), facilitators=(), scale=LEVELS):
    return compare_criterion(
        criterion="c",
        scale=scale,
        self_score=self_score,
        peer_scores=list(peers),
        facilitator_scores=list(facilitators),
    )


@given(self_score=level, peers=levels)
def test_the_verdict_follows_the_distance_to_the_peers_median_in_level_steps(self_score, peers) -> None:
    result = compare(self_score, peers)

    assert result.difference == self_score - result.peer_median
    if abs(result.difference) < 1:
        assert result.verdict == "close"
    elif result.difference > 0:
        assert result.verdict == "generous"
    else:
        assert result.verdict == "harsh"


@given(self_score=level, peers=levels, facilitators=levels)
def test_a_facilitators_review_is_the_reference_when_there_is_one(self_score, peers, facilitators) -> None:
    result = compare(self_score, peers, facilitators)

    assert result.reference_is_facilitator
    assert result.difference == self_score - sum(facilitators) / len(facilitators)


@given(self_score=level, reference=level)
def test_generous_and_harsh_mirror_each_other(self_score, reference) -> None:
    there = compare(self_score, [reference]).verdict
    back = compare(reference, [self_score]).verdict

    assert {there, back} in ({"close"}, {"generous", "harsh"})


@given(self_score=level, peers=levels, shift=st.integers(-10, 10), stretch=st.integers(1, 5))
def test_the_verdict_does_not_depend_on_the_rubrics_numbers(self_score, peers, shift, stretch) -> None:
    scale = CriterionScale(tuple(shift + stretch * s for s in LEVELS.levels))

    moved = compare(shift + stretch * self_score, [shift + stretch * p for p in peers], scale=scale)

    assert moved.verdict == compare(self_score, peers).verdict


@given(peers=st.lists(level, max_size=4))
def test_without_a_self_score_or_reviews_nothing_is_said(peers) -> None:
    assert compare(None, peers).verdict == "unknown"
    assert compare(3, []).verdict == "unknown"


@given(st.lists(st.tuples(level, levels), min_size=1, max_size=5))
def test_the_overall_verdict_leans_only_when_no_criterion_leans_the_other_way(rows) -> None:
    comparison = SelfComparison([compare(self_score, peers) for self_score, peers in rows])
    verdicts = {c.verdict for c in comparison.criteria}

    if {"generous", "harsh"} <= verdicts:
        assert comparison.overall == "mixed"
    elif "generous" in verdicts:
        assert comparison.overall == "generous"
    elif "harsh" in verdicts:
        assert comparison.overall == "harsh"
    else:
        assert comparison.overall == "close"


def test_a_level_step_is_the_smallest_gap_between_levels() -> None:
    assert CriterionScale((0, 2, 4, 10)).step == 2
    assert CriterionScale((3,)).step == 1
    assert compare(4, [2], scale=CriterionScale((0, 2, 4, 10))).verdict == "generous"
    assert compare(3, [2], scale=CriterionScale((0, 2, 4, 10))).verdict == "close"
