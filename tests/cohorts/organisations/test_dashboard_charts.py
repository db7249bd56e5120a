"""The dashboard's SVG charts (cohorts.organisations.dashboard.charts), for any numbers and labels."""

from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cohorts.organisations.dashboard.charts import (
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    bar_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"

values = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
#: Text as a person types it: no control characters (which XML cannot hold and the site's text fields strip).
texts = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
labels = texts


@st.composite
def series(draw):
    count = draw(st.integers(min_value=0, max_value=60))
    return (
        draw(st.lists(labels, min_size=count, max_size=count)),
        draw(st.lists(values, min_size=count, max_size=count)),
        draw(st.floats(min_value=0.01, max_value=1e6, allow_nan=False)),
    )


def draw(kind, labels, values, y_max, title="Title <b>&", description="Desc"):
    return kind(
        chart_id="chart",
        title=title,
        description=description,
        labels=labels,
        values=values,
        y_max=y_max,
        y_ticks=[(0, "0"), (y_max, "<max>")],
    )


@pytest.mark.parametrize("kind", [bar_chart, line_chart])
@given(data=series())
def test_every_value_is_drawn_inside_the_plot_area(kind, data):
    labels, values, y_max = data
    chart = draw(kind, labels, values, y_max)
    assert len(chart.marks) == sum(value is not None for value in values)
    for x, y in chart.marks:
        assert PLOT_LEFT <= x <= PLOT_RIGHT
        assert PLOT_TOP <= y <= PLOT_BOTTOM


@pytest.mark.parametrize("kind", [bar_chart, line_chart])
@given(data=series(), title=texts)
def test_the_svg_is_well_formed_and_named_for_assistive_technology(kind, data, title):
    labels, values, y_max = data
    root = ElementTree.fromstring(draw(kind, labels, values, y_max, title=title).svg)  # noqa: S314 (our own markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert (root.find(f"{SVG}title").text or "") == title
    shapes = root.findall(f"{SVG}rect") if kind is bar_chart else root.findall(f"{SVG}circle")
    assert len(shapes) == sum(value is not None for value in values)
    written = {text.text or "" for text in root.findall(f"{SVG}text")}
    assert written <= set(labels) | {"0", "<max>"}


def test_labels_and_titles_are_escaped():
    chart = draw(bar_chart, ['<script>alert("x")</script>', "A & B"], [1, 2], 2, title="</title><script>")
    assert "<script>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg and "A &amp; B" in chart.svg


def test_a_gap_breaks_the_line():
    chart = draw(line_chart, ["a", "b", "c", "d", "e"], [1, 2, None, 3, 4], 5)
    assert chart.svg.count("<polyline") == 2
    assert len(chart.marks) == 4


def test_a_chart_needs_one_label_per_value_and_an_axis_above_zero():
    with pytest.raises(ValueError):
        draw(bar_chart, ["a"], [1, 2], 2)
    with pytest.raises(ValueError):
        draw(bar_chart, ["a"], [1], 0)
