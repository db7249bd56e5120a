"""The arithmetic of ratings: averages to one decimal as a reader rounds, and the stars that go with them."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from cohorts.ratings.scale import rating_average, stars_filled

ratings_lists = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=200)


def test_no_ratings_have_no_average():
    assert rating_average(0, 0) is None
    assert stars_filled(None) == 0


def test_halves_round_up_as_a_reader_expects():
    assert rating_average(17, 4) == Decimal("4.3")  # 4.25
    assert rating_average(7, 2) == Decimal("3.5")
    assert stars_filled(Decimal("3.5")) == 4
    assert stars_filled(Decimal("3.4")) == 3


@given(ratings_lists)
def test_the_average_is_within_a_twentieth_of_the_exact_mean_and_on_the_scale(ratings):
    average = rating_average(sum(ratings), len(ratings))
    exact = Fraction(sum(ratings), len(ratings))
    assert abs(Fraction(average) - exact) <= Fraction(1, 20)
    assert Decimal(1) <= average <= Decimal(5)
    assert average == average.quantize(Decimal("0.1"))


@given(ratings_lists)
def test_stars_are_the_nearest_whole_star(ratings):
    average = rating_average(sum(ratings), len(ratings))
    filled = stars_filled(average)
    assert 1 <= filled <= 5
    assert abs(Fraction(average) - filled) <= Fraction(1, 2)


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=50))
def test_the_same_rating_every_time_averages_to_itself(value, count):
    assert rating_average(value * count, count) == Decimal(value)
