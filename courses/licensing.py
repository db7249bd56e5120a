"""Open licences: compatibility, the licence a remix may take, and attribution text.

This module uses nothing of Django but its translation functions (every reason and attribution line
reads in the reader's language), so that models, forms, the publish check, templates and tests all
share one implementation of the rules in PRODUCT.md ("Licence compatibility"):

* an adaptation is never more permissive than a source it adapts (no CC0 or PD result from
  a BY source);
* it is NonCommercial if any adapted source is;
* a ShareAlike source pins the result to exactly its own licence;
* NoDerivatives material can never be adapted, only included verbatim, and verbatim
  inclusions do not constrain the new work's licence: they are listed as "except where
  otherwise noted" items instead.

Every rule above comes from one question, `_permits(source, result)`: "may an adaptation of
material under `source` be released under `result`?". Creative Commons' compatibility chart
(`can_adapt_together`) is derived from the same question, which keeps the chart, the resolver
and the publish check from drifting apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import combinations
from typing import NotRequired, TypedDict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext


class Licence(StrEnum):
    """One of the eight licences (or public-domain tools) a work can carry.

    Members are strings equal to their code (``Licence.CC_BY == "CC-BY-4.0"``), so they can
    be stored in a ``CharField`` and looked up again with ``Licence(code)``. Declaration
    order runs from most to least permissive (public-domain tools, BY, BY-SA, the NC
    licences, then the ND licences, which forbid adaptation altogether); `resolve_licences`
    and `LICENCE_CHOICES` use this order.
    """

    # Annotations only (no values), so Enum does not turn them into members; __new__ sets them.
    label: str
    url: str

    PD = ("PD", gettext_lazy("Public Domain Mark"), "https://creativecommons.org/publicdomain/mark/1.0/")
    CC0 = ("CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    CC_BY = ("CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    CC_BY_SA = ("CC-BY-SA-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    CC_BY_NC = ("CC-BY-NC-4.0", "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/")
    CC_BY_NC_SA = (
        "CC-BY-NC-SA-4.0",
        "CC BY-NC-SA 4.0",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    )
    CC_BY_ND = ("CC-BY-ND-4.0", "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/")
    CC_BY_NC_ND = (
        "CC-BY-NC-ND-4.0",
        "CC BY-NC-ND 4.0",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    )

    def __new__(cls, code: str, label: str, url: str) -> Licence:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        member.url = url
        return member

    # The condition flags are read off the code's elements rather than written out again,
    # so a code and its flags cannot disagree.
    @property
    def _elements(self) -> frozenset[str]:
        return frozenset(self.value.split("-"))

    @property
    def attribution(self) -> bool:
        """BY: reusers must give credit. False only for the public-domain tools."""
        return "BY" in self._elements

    @property
    def share_alike(self) -> bool:
        """SA: adaptations must carry this same licence."""
        return "SA" in self._elements

    @property
    def non_commercial(self) -> bool:
        """NC: no commercial use, so adaptations must be NonCommercial too."""
        return "NC" in self._elements

    @property
    def no_derivatives(self) -> bool:
        """ND: the material may be shared only verbatim, never adapted."""
        return "ND" in self._elements


#: ``choices`` for Django model and form fields: ``[(code, label), ...]`` in spectrum order.
LICENCE_CHOICES: list[tuple[str, str]] = [(licence.value, licence.label) for licence in Licence]


class SourceKind(StrEnum):
    """How a new work uses a source."""

    ADAPTATION = "adaptation"
    VERBATIM = "verbatim"


@dataclass(frozen=True)
class Source:
    """A source that a new work draws on, as the resolver needs it.

    ``licence`` and ``kind`` also accept their stored string codes (e.g. straight from a
    model field); they are normalised here so that an unknown code fails loudly at
    construction instead of being silently treated as some other kind.
    """

    licence: Licence
    kind: SourceKind
    title: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "licence", Licence(self.licence))
        object.__setattr__(self, "kind", SourceKind(self.kind))


@dataclass(frozen=True)
class Resolution:
    """What licence a new work may take, given its sources.

    ``allowed`` lists the licences the work may carry, most permissive first; it is empty
    exactly when ``reasons`` explains why the sources cannot be adapted together.
    ``except_where_noted`` lists the verbatim inclusions, which keep their own licences and
    must be marked as such on the published work.
    """

    allowed: tuple[Licence, ...]
    reasons: tuple[str, ...]
    except_where_noted: tuple[Source, ...]

    @property
    def ok(self) -> bool:
        return not self.reasons


class _Objection(StrEnum):
    """Why material under one licence may not be adapted into a work under another."""

    NO_DERIVATIVES = "no_derivatives"
    SHARE_ALIKE = "share_alike"
    NON_COMMERCIAL = "non_commercial"
    ATTRIBUTION = "attribution"


def _objection(source: Licence, result: Licence) -> _Objection | None:
    """Why material under ``source`` may not be adapted into a work under ``result``; None when it may."""
    if source.no_derivatives:
        return _Objection.NO_DERIVATIVES
    if source.share_alike and result is not source:
        return _Objection.SHARE_ALIKE
    if source.non_commercial and not result.non_commercial:
        return _Objection.NON_COMMERCIAL
    if source.attribution and not result.attribution:
        return _Objection.ATTRIBUTION
    return None


def _permits(source: Licence, result: Licence) -> bool:
    """May an adaptation of material under ``source`` be released under ``result``?"""
    return _objection(source, result) is None


def _refusal(source: Source, objection: _Objection, result: Licence | None = None) -> str:
    """The reason, in plain language for the author; ``result`` is the licence refused (unused for ND)."""
    params = {"title": source.title, "licence": source.licence.label, "result": result.label if result else ""}
    if objection is _Objection.NO_DERIVATIVES:
        message = _("“%(title)s” is under %(licence)s, which does not allow adaptations; include it verbatim instead")
    elif objection is _Objection.SHARE_ALIKE:
        message = _(
            "“%(title)s” is under %(licence)s, whose ShareAlike condition requires adaptations to be under "
            "%(licence)s too"
        )
    elif objection is _Objection.NON_COMMERCIAL:
        message = _(
            "“%(title)s” is under %(licence)s, which requires adaptations to be NonCommercial, unlike %(result)s"
        )
    else:
        message = _(
            "“%(title)s” is under %(licence)s, which requires attribution, so an adaptation cannot be under %(result)s"
        )
    return message % params


# Cached: the resolver asks it for every pair of sources, and a remixed course has one per module.
@cache
def can_adapt_together(a: Licence, b: Licence) -> bool:
    """Creative Commons' compatibility chart: can material under ``a`` and ``b`` be
    adapted together into one work? Symmetric.

    Two licences are compatible exactly when some single licence can carry an adaptation
    of both.
    """
    return any(_permits(a, result) and _permits(b, result) for result in Licence)


def _conflict_reason(first: Source, second: Source) -> str:
    # ND sources are refused on their own before pairs are compared; every "no" cell left
    # in the chart pairs BY-SA (which pins the result to BY-SA) with a NonCommercial
    # licence (which requires an NC result), so the NC side is the NonCommercial one.
    share_alike, non_commercial = (first, second) if second.licence.non_commercial else (second, first)
    return _(
        "%(share_alike)s material (“%(share_alike_title)s”) cannot be combined with "
        "NonCommercial material (%(non_commercial)s in “%(non_commercial_title)s”)"
    ) % {
        "share_alike": share_alike.licence.label,
        "share_alike_title": share_alike.title,
        "non_commercial": non_commercial.licence.label,
        "non_commercial_title": non_commercial.title,
    }


def resolve_licences(sources: Iterable[Source]) -> Resolution:
    """Work out which licences a new work built from ``sources`` may take.

    Adapted sources constrain the result; verbatim inclusions never do and are returned
    as ``except_where_noted``. With no adapted source (an original work, or one that only
    quotes), all eight licences are allowed. A remix may itself choose an ND licence when
    its sources allow it (adapting BY material into a BY-ND work is fine; BY-SA material
    can only become BY-SA).
    """
    sources = tuple(sources)
    adapted = [source for source in sources if source.kind is SourceKind.ADAPTATION]
    verbatim = tuple(source for source in sources if source.kind is SourceKind.VERBATIM)

    underivable = [source for source in adapted if source.licence.no_derivatives]
    derivable = [source for source in adapted if not source.licence.no_derivatives]
    reasons = [_refusal(source, _Objection.NO_DERIVATIVES) for source in underivable]
    reasons += [
        _conflict_reason(first, second)
        for first, second in combinations(derivable, 2)
        if not can_adapt_together(first.licence, second.licence)
    ]
    if reasons:
        # The same title and licence listed twice would repeat a message word for word.
        return Resolution((), tuple(dict.fromkeys(reasons)), verbatim)

    allowed = tuple(result for result in Licence if all(_permits(source.licence, result) for source in adapted))
    return Resolution(allowed, (), verbatim)


def is_allowed(licence: Licence, sources: Iterable[Source]) -> tuple[bool, str]:
    """Whether a work built from ``sources`` may be published under ``licence``.

    Returns ``(True, "")`` or ``(False, reason)``, the reason in plain language for the
    author, used to block publishing.
    """
    sources = tuple(sources)
    resolution = resolve_licences(sources)
    if not resolution.ok:
        return False, "; ".join(resolution.reasons)
    for source in sources:
        if source.kind is SourceKind.ADAPTATION:
            objection = _objection(source.licence, licence)
            if objection:
                return False, _refusal(source, objection, licence)
    return True, ""


# --- Attribution -------------------------------------------------------------------------


class CreditSnapshot(TypedDict):
    """One author credit in an attribution snapshot."""

    name: str
    #: The person asked not to be credited (CC BY 4.0 §3(a)(3)); their name is never shown.
    opted_out: NotRequired[bool]


class AttributionSnapshot(TypedDict):
    """A frozen record of one source, as stored on a derivation (e.g. in a JSONField).

    ``changes`` describes how this material was changed when it was adapted into the work
    one level up; ``sources`` are this material's own earlier sources, whose notices must
    be kept (CC BY 4.0 §3(a)(1)).
    """

    title: str
    authors: list[CreditSnapshot]
    licence: str
    source_url: NotRequired[str | None]
    kind: NotRequired[str]
    changes: NotRequired[str | None]
    sources: NotRequired[list[AttributionSnapshot]]


def _credit(title: str, authors: Sequence[str], source_url: str | None) -> str:
    params = {"title": title, "authors": ", ".join(authors), "url": source_url}
    if authors and source_url:
        return _("“%(title)s” by %(authors)s (%(url)s)") % params
    if authors:
        return _("“%(title)s” by %(authors)s") % params
    if source_url:
        return _("“%(title)s” (%(url)s)") % params
    return _("“%(title)s”") % params


def _licence_statement(licence: Licence) -> str:
    # CC's own wording: public-domain tools are not licences, so such works are "marked
    # with" them rather than "licensed under" them.
    params = {"licence": licence.label, "url": licence.url}
    if licence.attribution:
        return pgettext("attribution line", "licensed under %(licence)s (%(url)s)") % params
    return pgettext("attribution line", "marked with %(licence)s (%(url)s)") % params


def _with_changes(text: str, changes: str | None) -> str:
    return _("%(attribution)s; changes: %(changes)s") % {"attribution": text, "changes": changes} if changes else text


def tasl_text(
    title: str,
    authors: Sequence[str],
    source_url: str | None,
    licence: Licence,
    changes: str | None = None,
) -> str:
    """A TASL (Title, Author, Source, Licence) attribution line, e.g.

    ``“Fractions” by Ana, Ben (https://example.org/f) is licensed under CC BY 4.0
    (https://creativecommons.org/licenses/by/4.0/); changes: translated into Spanish``
    """
    params = {"work": _credit(title, authors, source_url), "licence": licence.label, "url": licence.url}
    if licence.attribution:
        line = _("%(work)s is licensed under %(licence)s (%(url)s)") % params
    else:
        line = _("%(work)s is marked with %(licence)s (%(url)s)") % params
    return _with_changes(line, changes)


def author_names(credits: Sequence[CreditSnapshot]) -> list[str]:
    """The names to credit, with people who asked to be left out counted as "earlier contributors"."""
    names = [credit["name"] for credit in credits if not credit.get("opted_out")]
    hidden = len(credits) - len(names)
    if hidden == 1:
        names.append(_("an earlier contributor"))
    elif hidden > 1:
        names.append(
            ngettext("%(count)d earlier contributor", "%(count)d earlier contributors", hidden) % {"count": hidden}
        )
    return names


def _chain_line(snapshot: AttributionSnapshot, user_title: str | None) -> str:
    verbatim = SourceKind(snapshot.get("kind", SourceKind.ADAPTATION)) is SourceKind.VERBATIM
    params = {
        "title": user_title,
        "work": _credit(snapshot["title"], author_names(snapshot["authors"]), snapshot.get("source_url")),
        "licence_statement": _licence_statement(Licence(snapshot["licence"])),
    }
    if user_title is None:
        line = (
            _("Includes %(work)s, %(licence_statement)s")
            if verbatim
            else _("Adapted from %(work)s, %(licence_statement)s")
        )
    elif verbatim:
        line = _("“%(title)s” includes %(work)s, %(licence_statement)s")
    else:
        line = _("“%(title)s” was adapted from %(work)s, %(licence_statement)s")
    return _with_changes(line % params, snapshot.get("changes"))


def attribution_chain(sources: Iterable[AttributionSnapshot]) -> list[str]:
    """Attribution lines for a work's direct sources and, transitively, theirs.

    Each direct source gets a line ("Adapted from “T” by A (url), licensed under …;
    changes: …"), followed depth-first by the notices of its own earlier sources ("“T” was
    adapted from “S” by …"), so every earlier change notice is kept. Authors who opted out
    of credit appear as "an earlier contributor".

    A source reached twice (a cycle, or two paths to one source) gets a line for each
    path, but its earlier sources are listed only the first time, which also guarantees
    termination.
    """
    lines: list[str] = []
    expanded: set[tuple[str, str | None, str]] = set()
    # An explicit stack instead of recursion: chains may be longer than Python's recursion limit.
    stack: list[tuple[AttributionSnapshot, str | None]] = [(snapshot, None) for snapshot in reversed(list(sources))]
    while stack:
        snapshot, user_title = stack.pop()
        lines.append(_chain_line(snapshot, user_title))
        key = (snapshot["title"], snapshot.get("source_url"), snapshot["licence"])
        if key in expanded:
            continue
        expanded.add(key)
        stack.extend((earlier, snapshot["title"]) for earlier in reversed(snapshot.get("sources", [])))
    return lines
