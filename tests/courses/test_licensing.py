"""Tests for courses.licensing: the chart, the remix licence resolver and attribution text.

The expectations below are written out literally (the chart is pasted from PRODUCT.md, the
conditions of each licence are listed by hand) rather than computed from the module, so a
wrong rule in the module makes these tests fail.
"""

from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.licensing import (
    LICENCE_CHOICES,
    AttributionSnapshot,
    Licence,
    Source,
    SourceKind,
    attribution_chain,
    can_adapt_together,
    is_allowed,
    resolve_licences,
    tasl_text,
)

# Copied verbatim from PRODUCT.md, "Licence compatibility".
CHART_MARKDOWN = """
| A \\ B | PD | CC0 | BY | BY-SA | BY-NC | BY-ND | BY-NC-SA | BY-NC-ND |
|---|---|---|---|---|---|---|---|---|
| PD | yes | yes | yes | yes | yes | no | yes | no |
| CC0 | yes | yes | yes | yes | yes | no | yes | no |
| BY | yes | yes | yes | yes | yes | no | yes | no |
| BY-SA | yes | yes | yes | yes | no | no | no | no |
| BY-NC | yes | yes | yes | no | yes | no | yes | no |
| BY-ND | no | no | no | no | no | no | no | no |
| BY-NC-SA | yes | yes | yes | no | yes | no | yes | no |
| BY-NC-ND | no | no | no | no | no | no | no | no |
"""

SHORT_NAMES = {
    "PD": Licence.PD,
    "CC0": Licence.CC0,
    "BY": Licence.CC_BY,
    "BY-SA": Licence.CC_BY_SA,
    "BY-NC": Licence.CC_BY_NC,
    "BY-ND": Licence.CC_BY_ND,
    "BY-NC-SA": Licence.CC_BY_NC_SA,
    "BY-NC-ND": Licence.CC_BY_NC_ND,
}


def _parse_chart(markdown: str) -> dict[tuple[Licence, Licence], bool]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in markdown.strip().splitlines()]
    header, _separator, *body = rows
    columns = [SHORT_NAMES[name] for name in header[1:]]
    return {
        (SHORT_NAMES[row[0]], column): {"yes": True, "no": False}[cell]
        for row in body
        for column, cell in zip(columns, row[1:], strict=True)
    }


CHART = _parse_chart(CHART_MARKDOWN)

# The conditions each licence imposes, by hand: the yardstick for "more permissive".
CONDITIONS: dict[Licence, frozenset[str]] = {
    Licence.PD: frozenset(),
    Licence.CC0: frozenset(),
    Licence.CC_BY: frozenset({"BY"}),
    Licence.CC_BY_SA: frozenset({"BY", "SA"}),
    Licence.CC_BY_NC: frozenset({"BY", "NC"}),
    Licence.CC_BY_NC_SA: frozenset({"BY", "NC", "SA"}),
    Licence.CC_BY_ND: frozenset({"BY", "ND"}),
    Licence.CC_BY_NC_ND: frozenset({"BY", "NC", "ND"}),
}


def adapted(licence: Licence, title: str = "Source") -> Source:
    return Source(licence, SourceKind.ADAPTATION, title)


def verbatim(licence: Licence, title: str = "Quoted") -> Source:
    return Source(licence, SourceKind.VERBATIM, title)


# --- The licences themselves ------------------------------------------------------------


def test_chart_table_has_all_64_cells() -> None:
    assert len(CHART) == 64
    assert set(CHART) == set(product(Licence, Licence))


def test_licence_codes_labels_and_urls() -> None:
    assert LICENCE_CHOICES == [
        ("PD", "Public Domain Mark"),
        ("CC0-1.0", "CC0 1.0"),
        ("CC-BY-4.0", "CC BY 4.0"),
        ("CC-BY-SA-4.0", "CC BY-SA 4.0"),
        ("CC-BY-NC-4.0", "CC BY-NC 4.0"),
        ("CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"),
        ("CC-BY-ND-4.0", "CC BY-ND 4.0"),
        ("CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"),
    ]
    assert {licence: licence.url for licence in Licence} == {
        Licence.PD: "https://creativecommons.org/publicdomain/mark/1.0/",
        Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
        Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
        Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
        Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
        Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
        Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    }


@pytest.mark.parametrize("licence", list(Licence), ids=lambda licence: licence.value)
def test_licence_flags_match_its_conditions(licence: Licence) -> None:
    flags = {
        "BY": licence.attribution,
        "SA": licence.share_alike,
        "NC": licence.non_commercial,
        "ND": licence.no_derivatives,
    }
    assert {name for name, flag in flags.items() if flag} == CONDITIONS[licence]


@pytest.mark.parametrize("licence", list(Licence), ids=lambda licence: licence.value)
def test_licence_round_trips_through_its_stored_code(licence: Licence) -> None:
    assert Licence(licence.value) is licence
    assert licence == licence.value


def test_unknown_codes_are_rejected_when_building_a_source() -> None:
    with pytest.raises(ValueError):
        Source("CC-BY-3.0", SourceKind.ADAPTATION, "Old")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Source(Licence.CC_BY, "adaption", "Typo")  # type: ignore[arg-type]


def test_sources_accept_stored_string_codes() -> None:
    source = Source("CC-BY-SA-4.0", "verbatim", "From a model field")  # type: ignore[arg-type]
    assert source.licence is Licence.CC_BY_SA
    assert source.kind is SourceKind.VERBATIM


# --- The chart --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(a, b, expected) for (a, b), expected in CHART.items()],
    ids=[f"{a.value}+{b.value}" for a, b in CHART],
)
def test_chart_cell(a: Licence, b: Licence, expected: bool) -> None:
    assert can_adapt_together(a, b) is expected


@given(st.sampled_from(Licence), st.sampled_from(Licence))
def test_chart_is_symmetric(a: Licence, b: Licence) -> None:
    assert can_adapt_together(a, b) == can_adapt_together(b, a)


# --- The resolver: representative cases -------------------------------------------------


def test_original_work_may_take_any_licence() -> None:
    resolution = resolve_licences([])
    assert resolution.ok
    assert resolution.allowed == tuple(Licence)
    assert resolution.except_where_noted == ()


def test_by_source_allows_every_by_licence_but_not_public_domain() -> None:
    assert resolve_licences([adapted(Licence.CC_BY)]).allowed == (
        Licence.CC_BY,
        Licence.CC_BY_SA,
        Licence.CC_BY_NC,
        Licence.CC_BY_NC_SA,
        Licence.CC_BY_ND,
        Licence.CC_BY_NC_ND,
    )


def test_cc0_and_pd_sources_do_not_constrain() -> None:
    sources = [adapted(Licence.CC0, "A"), adapted(Licence.PD, "B")]
    assert resolve_licences(sources).allowed == tuple(Licence)


def test_non_commercial_source_forces_nc() -> None:
    sources = [adapted(Licence.CC_BY, "A"), adapted(Licence.CC_BY_NC, "B")]
    assert resolve_licences(sources).allowed == (
        Licence.CC_BY_NC,
        Licence.CC_BY_NC_SA,
        Licence.CC_BY_NC_ND,
    )


def test_share_alike_source_pins_by_sa() -> None:
    sources = [adapted(Licence.CC0, "A"), adapted(Licence.CC_BY_SA, "B"), adapted(Licence.CC_BY)]
    assert resolve_licences(sources).allowed == (Licence.CC_BY_SA,)


def test_nc_sa_source_pins_by_nc_sa() -> None:
    sources = [adapted(Licence.CC_BY_NC, "A"), adapted(Licence.CC_BY_NC_SA, "B")]
    assert resolve_licences(sources).allowed == (Licence.CC_BY_NC_SA,)


def test_nd_source_cannot_be_adapted() -> None:
    resolution = resolve_licences([adapted(Licence.CC_BY, "Ok"), adapted(Licence.CC_BY_ND, "Maps")])
    assert not resolution.ok
    assert resolution.allowed == ()
    assert resolution.reasons == (
        "“Maps” is under CC BY-ND 4.0, which does not allow adaptations; include it verbatim instead",
    )


@pytest.mark.parametrize(
    "order",
    [("Wiki", "Notes"), ("Notes", "Wiki")],
    ids=["sa-first", "nc-first"],
)
def test_sa_and_nc_conflict_names_both_sides(order: tuple[str, str]) -> None:
    by_title = {
        "Wiki": adapted(Licence.CC_BY_SA, "Wiki"),
        "Notes": adapted(Licence.CC_BY_NC, "Notes"),
    }
    resolution = resolve_licences(by_title[title] for title in order)
    assert resolution.reasons == (
        "CC BY-SA 4.0 material (“Wiki”) cannot be combined with NonCommercial material (CC BY-NC 4.0 in “Notes”)",
    )


def test_by_sa_and_by_nc_sa_conflict() -> None:
    resolution = resolve_licences([adapted(Licence.CC_BY_NC_SA, "Course"), adapted(Licence.CC_BY_SA, "Wiki")])
    assert resolution.reasons == (
        "CC BY-SA 4.0 material (“Wiki”) cannot be combined with NonCommercial material (CC BY-NC-SA 4.0 in “Course”)",
    )


def test_every_problem_is_reported_once() -> None:
    resolution = resolve_licences(
        [
            adapted(Licence.CC_BY_NC_ND, "Film"),
            adapted(Licence.CC_BY_SA, "Wiki"),
            adapted(Licence.CC_BY_NC, "Notes"),
            adapted(Licence.CC_BY_NC, "Notes"),
        ]
    )
    assert resolution.reasons == (
        "“Film” is under CC BY-NC-ND 4.0, which does not allow adaptations; include it verbatim instead",
        "CC BY-SA 4.0 material (“Wiki”) cannot be combined with NonCommercial material (CC BY-NC 4.0 in “Notes”)",
    )


def test_verbatim_inclusions_do_not_constrain_and_are_listed() -> None:
    film = verbatim(Licence.CC_BY_NC_ND, "Film")
    wiki = verbatim(Licence.CC_BY_SA, "Wiki")
    resolution = resolve_licences([film, adapted(Licence.CC0, "Base"), wiki])
    assert resolution.ok
    assert resolution.allowed == tuple(Licence)
    assert resolution.except_where_noted == (film, wiki)


# --- The publish check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licence", "sources", "reason"),
    [
        (
            Licence.CC0,
            [adapted(Licence.CC_BY, "Fractions")],
            "“Fractions” is under CC BY 4.0, which requires attribution, so an adaptation cannot be under CC0 1.0",
        ),
        (
            Licence.CC_BY,
            [adapted(Licence.CC_BY_NC, "Notes")],
            "“Notes” is under CC BY-NC 4.0, which requires adaptations to be NonCommercial, unlike CC BY 4.0",
        ),
        (
            Licence.CC_BY_ND,
            [adapted(Licence.CC_BY_SA, "Wiki")],
            "“Wiki” is under CC BY-SA 4.0, whose ShareAlike condition requires adaptations to "
            "be under CC BY-SA 4.0 too",
        ),
        (
            Licence.CC_BY_NC_SA,
            [adapted(Licence.CC_BY_NC, "Notes"), adapted(Licence.CC_BY_SA, "Wiki")],
            "CC BY-SA 4.0 material (“Wiki”) cannot be combined with NonCommercial material (CC BY-NC 4.0 in “Notes”)",
        ),
    ],
    ids=["by-to-cc0", "nc-to-by", "sa-to-nd", "conflict"],
)
def test_is_allowed_refuses_with_reason(licence: Licence, sources: list[Source], reason: str) -> None:
    assert is_allowed(licence, sources) == (False, reason)


def test_is_allowed_joins_several_reasons() -> None:
    sources = [adapted(Licence.CC_BY_ND, "Maps"), adapted(Licence.CC_BY_NC_ND, "Film")]
    assert is_allowed(Licence.CC_BY_NC_ND, sources) == (
        False,
        "“Maps” is under CC BY-ND 4.0, which does not allow adaptations; include it verbatim "
        "instead; “Film” is under CC BY-NC-ND 4.0, which does not allow adaptations; include "
        "it verbatim instead",
    )


def test_is_allowed_accepts_a_permitted_licence() -> None:
    sources = iter([adapted(Licence.CC_BY), verbatim(Licence.CC_BY_ND)])
    assert is_allowed(Licence.CC_BY_NC_ND, sources) == (True, "")


# --- The resolver: properties -----------------------------------------------------------

sources_strategy = st.lists(
    st.builds(
        Source,
        licence=st.sampled_from(Licence),
        kind=st.sampled_from(SourceKind),
        title=st.text(min_size=1, max_size=12),
    ),
    max_size=6,
)


def _adapted_licences(sources: list[Source]) -> list[Licence]:
    return [source.licence for source in sources if source.kind is SourceKind.ADAPTATION]


@given(sources_strategy)
def test_refused_exactly_when_an_nd_is_adapted_or_the_chart_says_no(sources: list[Source]) -> None:
    licences = _adapted_licences(sources)
    chart_ok = all(CHART[a, b] for a, b in product(licences, licences))
    # A licence paired with itself is "no" in the chart only for ND, so chart_ok covers both.
    resolution = resolve_licences(sources)
    assert resolution.ok is chart_ok
    assert bool(resolution.allowed) is chart_ok
    assert bool(resolution.reasons) is not chart_ok


@given(sources_strategy)
def test_result_is_never_more_permissive_than_an_adapted_source(sources: list[Source]) -> None:
    for result in resolve_licences(sources).allowed:
        for licence in _adapted_licences(sources):
            assert CONDITIONS[result] >= CONDITIONS[licence]


@given(sources_strategy)
def test_result_is_nc_if_any_adapted_source_is_nc(sources: list[Source]) -> None:
    if any("NC" in CONDITIONS[licence] for licence in _adapted_licences(sources)):
        assert all("NC" in CONDITIONS[result] for result in resolve_licences(sources).allowed)


@given(sources_strategy)
def test_share_alike_sources_pin_the_result(sources: list[Source]) -> None:
    resolution = resolve_licences(sources)
    for licence in _adapted_licences(sources):
        if "SA" in CONDITIONS[licence] and resolution.ok:
            assert resolution.allowed == (licence,)


@given(sources_strategy)
def test_nd_material_is_never_adapted(sources: list[Source]) -> None:
    resolution = resolve_licences(sources)
    nd_titles = [
        source.title
        for source in sources
        if source.kind is SourceKind.ADAPTATION and "ND" in CONDITIONS[source.licence]
    ]
    if nd_titles:
        assert not resolution.ok
        for title in nd_titles:
            assert any(f"“{title}”" in reason and "verbatim" in reason for reason in resolution.reasons)


@given(sources_strategy)
def test_result_is_itself_compatible_with_its_sources(sources: list[Source]) -> None:
    """A resolved licence can be adapted together with every adapted source again.

    ND results are the exception by design: the chart says nothing may adapt ND material,
    yet a remix of BY material may choose BY-ND for itself. They are allowed only when no
    source is ShareAlike.
    """
    licences = _adapted_licences(sources)
    for result in resolve_licences(sources).allowed:
        if "ND" in CONDITIONS[result]:
            assert not any("SA" in CONDITIONS[licence] for licence in licences)
        else:
            assert all(CHART[result, licence] for licence in licences)


@given(sources_strategy)
def test_allowed_set_matches_the_rules_exactly(sources: list[Source]) -> None:
    """Not only safe but complete: every licence that keeps all conditions is offered."""
    resolution = resolve_licences(sources)
    if not resolution.ok:
        return
    licences = _adapted_licences(sources)
    expected = tuple(
        result
        for result in Licence
        if all(
            CONDITIONS[result] >= CONDITIONS[licence] and ("SA" not in CONDITIONS[licence] or result is licence)
            for licence in licences
        )
    )
    assert resolution.allowed == expected


# Most permissive first, written out by hand: ND comes last because it alone forbids
# adaptation, whatever the number of other conditions.
PERMISSIVENESS = [
    Licence.PD,
    Licence.CC0,
    Licence.CC_BY,
    Licence.CC_BY_SA,
    Licence.CC_BY_NC,
    Licence.CC_BY_NC_SA,
    Licence.CC_BY_ND,
    Licence.CC_BY_NC_ND,
]


@given(sources_strategy)
def test_allowed_is_ordered_most_permissive_first(sources: list[Source]) -> None:
    allowed = resolve_licences(sources).allowed
    assert list(allowed) == sorted(allowed, key=PERMISSIVENESS.index)


@given(sources_strategy, sources_strategy)
def test_verbatim_sources_never_change_the_result(sources: list[Source], extra: list[Source]) -> None:
    quotes = [verbatim(source.licence, source.title) for source in extra]
    with_quotes = resolve_licences(sources + quotes)
    assert with_quotes.allowed == resolve_licences(sources).allowed
    assert with_quotes.reasons == resolve_licences(sources).reasons
    assert with_quotes.except_where_noted == (resolve_licences(sources).except_where_noted + tuple(quotes))


@given(sources_strategy, st.sampled_from(Licence))
def test_is_allowed_agrees_with_the_resolution(sources: list[Source], licence: Licence) -> None:
    allowed, reason = is_allowed(licence, sources)
    assert allowed is (licence in resolve_licences(sources).allowed)
    assert (reason == "") is allowed


# --- Attribution ------------------------------------------------------------------------


def test_tasl_text_for_a_licence() -> None:
    assert (
        tasl_text(
            "Fractions",
            ["Ana Lima", "Ben Okafor"],
            "https://example.org/fractions",
            Licence.CC_BY,
            changes="translated into Spanish",
        )
        == "“Fractions” by Ana Lima, Ben Okafor (https://example.org/fractions) is licensed "
        "under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); changes: translated "
        "into Spanish"
    )


def test_tasl_text_for_a_public_domain_tool_without_author_or_url() -> None:
    assert (
        tasl_text("Star chart", [], None, Licence.PD) == "“Star chart” is marked with Public Domain Mark "
        "(https://creativecommons.org/publicdomain/mark/1.0/)"
    )


def _snapshot(
    title: str,
    authors: list[str],
    licence: Licence,
    changes: str | None = None,
    sources: list[AttributionSnapshot] | None = None,
) -> AttributionSnapshot:
    return {
        "title": title,
        "authors": [{"name": name} for name in authors],
        "source_url": f"https://example.org/{title.lower()}",
        "licence": licence.value,
        "changes": changes,
        "sources": sources or [],
    }


BY = "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
BY_SA = "licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)"
CC0 = "marked with CC0 1.0 (https://creativecommons.org/publicdomain/zero/1.0/)"


def test_attribution_chain_three_generations_deep() -> None:
    grandparent = _snapshot("Origins", ["Olu"], Licence.CC0)
    parent = _snapshot("Basics", ["Pia", "Raj"], Licence.CC_BY, "added exercises", [grandparent])
    photo = _snapshot("Photo", ["Sam"], Licence.CC_BY_SA)
    photo["kind"] = "verbatim"
    child = _snapshot("Basics II", ["Tao"], Licence.CC_BY_SA, "translated", [parent, photo])

    assert attribution_chain([child]) == [
        f"Adapted from “Basics II” by Tao (https://example.org/basics ii), {BY_SA}; changes: translated",
        f"“Basics II” was adapted from “Basics” by Pia, Raj (https://example.org/basics), {BY}; "
        "changes: added exercises",
        f"“Basics” was adapted from “Origins” by Olu (https://example.org/origins), {CC0}",
        f"“Basics II” includes “Photo” by Sam (https://example.org/photo), {BY_SA}",
    ]


def test_attribution_chain_keeps_direct_sources_in_order() -> None:
    first = _snapshot("First", ["A"], Licence.CC_BY, sources=[_snapshot("Root", ["R"], Licence.CC0)])
    second = _snapshot("Second", ["B"], Licence.CC0)
    second["kind"] = "verbatim"
    lines = attribution_chain(iter([first, second]))
    assert [line.split(" by ")[0] for line in lines] == [
        "Adapted from “First”",
        "“First” was adapted from “Root”",
        "Includes “Second”",
    ]


def test_opted_out_authors_are_never_named() -> None:
    snapshot = _snapshot("Basics", [], Licence.CC_BY)
    snapshot["authors"] = [
        {"name": "Pia"},
        {"name": "Hidden One", "opted_out": True},
        {"name": "Raj", "opted_out": False},
    ]
    earlier = _snapshot("Origins", [], Licence.CC_BY)
    earlier["authors"] = [
        {"name": "Hidden Two", "opted_out": True},
        {"name": "Hidden Three", "opted_out": True},
    ]
    alone = _snapshot("Solo", [], Licence.CC_BY)
    alone["authors"] = [{"name": "Hidden Four", "opted_out": True}]
    snapshot["sources"] = [earlier, alone]

    lines = attribution_chain([snapshot])
    assert lines[0].startswith("Adapted from “Basics” by Pia, Raj, an earlier contributor (")
    assert lines[1].startswith("“Basics” was adapted from “Origins” by 2 earlier contributors (")
    assert lines[2].startswith("“Basics” was adapted from “Solo” by an earlier contributor (")
    assert not any("Hidden" in line for line in lines)


def test_attribution_chain_stops_at_a_cycle() -> None:
    a = _snapshot("A", ["Ann"], Licence.CC_BY)
    b = _snapshot("B", ["Bo"], Licence.CC_BY, sources=[a])
    a["sources"] = [b]  # a real object cycle: A was adapted from B, which was adapted from A.

    assert [line.split(" by ")[0] for line in attribution_chain([a])] == [
        "Adapted from “A”",
        "“A” was adapted from “B”",
        "“B” was adapted from “A”",
    ]


def test_attribution_chain_stops_at_a_cycle_of_equal_copies() -> None:
    # Stored JSON cannot hold object cycles, but a snapshot can name the work it came from.
    loop = _snapshot("Loop", ["L"], Licence.CC_BY, sources=[_snapshot("Loop", ["L"], Licence.CC_BY)])
    assert len(attribution_chain([loop])) == 2


def test_shared_earlier_source_is_credited_on_each_path_but_expanded_once() -> None:
    root = _snapshot("Root", ["R"], Licence.CC0, sources=[_snapshot("Seed", ["S"], Licence.PD)])
    left = _snapshot("Left", ["L"], Licence.CC_BY, sources=[root])
    right = _snapshot("Right", ["R"], Licence.CC_BY, sources=[root])
    assert [line.split(" by ")[0] for line in attribution_chain([left, right])] == [
        "Adapted from “Left”",
        "“Left” was adapted from “Root”",
        "“Root” was adapted from “Seed”",
        "Adapted from “Right”",
        "“Right” was adapted from “Root”",
    ]


def test_very_long_chains_do_not_hit_the_recursion_limit() -> None:
    snapshot = _snapshot("Work 0", ["A"], Licence.CC_BY)
    for depth in range(1, 5000):
        snapshot = _snapshot(f"Work {depth}", ["A"], Licence.CC_BY, sources=[snapshot])
    assert len(attribution_chain([snapshot])) == 5000
