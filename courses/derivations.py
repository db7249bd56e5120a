"""What a course or module draws on, read through the page's own related managers.

The page models and the editor's page forms ask this module for a page's attribution and licence
options, so it imports no model: it sits below them. ``courses.remix.queries`` builds on it for the
reads that need the models themselves (publish rules, the remix family).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .licensing import (
    Licence,
    Resolution,
    Source,
    SourceKind,
    attribution_chain,
    author_names,
    resolve_licences,
    tasl_text,
)


def sources_of(derivations) -> list[Source]:
    """The licensing rules' view of derivations."""
    return [Source(licence=link.licence, kind=link.kind, title=link.title) for link in derivations]


# --- Licences ----------------------------------------------------------------------------------------


def course_resolution(course) -> Resolution:
    """The licences the course may take, given everything it and its modules draw on."""
    return resolve_licences(sources_of(course.source_links.all()))


def module_resolution(module) -> Resolution:
    return resolve_licences(sources_of(module.derivations.all()))


def translated_from(course):
    """The link to the course this course translates (a Derivation to a course with the same
    ``translation_key``, in another locale), or None for a course that is no translation."""
    return (
        course.source_links.filter(target_page=course, source_course__translation_key=course.translation_key)
        .exclude(source_course=course)
        .first()
    )


def verbatim_link(module):
    """The source a module is included verbatim from (a Derivation), if it is."""
    return module.derivations.filter(kind=SourceKind.VERBATIM.value).first()


# --- Attribution -------------------------------------------------------------------------------------


@dataclass
class Attribution:
    """What a course or module page shows about its sources (``Derivation`` rows)."""

    #: TASL lines, direct sources first, each followed by its own earlier sources.
    lines: list[str] = field(default_factory=list)
    #: Material included verbatim under its own licence ("except where otherwise noted").
    verbatim: list = field(default_factory=list)
    #: schema.org ``isBasedOn`` entries for the direct sources.
    based_on: list[dict] = field(default_factory=list)
    #: For a module included verbatim: where from.
    included_from: object | None = None
    #: Sources on this site whose version it came from can be compared with it.
    comparable: list = field(default_factory=list)

    @property
    def citation(self) -> str:
        """For a module included verbatim, the TASL line of the original; otherwise empty."""
        link = self.included_from
        if link is None:
            return ""
        snapshot = link.snapshot
        return tasl_text(
            snapshot.get("title", ""), author_names(snapshot.get("authors", [])), link.source_url, Licence(link.licence)
        )

    @property
    def verbatim_page_ids(self) -> set[int]:
        return {link.target_page_id for link in self.verbatim}


def _course_links(course) -> list:
    """The published derivations of a course and of its live modules (none still awaiting review)."""
    return list(course.source_links.public().filter(Q(target_page=course) | Q(target_page__live=True)))


def course_public_links(course) -> list:
    """The derivations a course's attribution names: its own sources and those of its live modules
    added one by one. The module links of a whole-course remix are covered by the course's own line."""
    return [link for link in _course_links(course) if link.part_of_id is None]


def module_public_links(module) -> list:
    """The derivations a module's attribution names: its own published sources."""
    return list(module.derivations.public())


def _based_on(link) -> dict:
    snapshot = link.snapshot
    authors = [
        {"@type": "Person", "name": author["name"]}
        for author in snapshot.get("authors", [])
        if not author.get("opted_out") and author.get("name")
    ]
    entry = {
        "@type": "CreativeWork",
        "name": snapshot.get("title", ""),
        "url": link.source_url,
        "license": Licence(link.licence).url,
        "author": authors,
    }
    return {key: value for key, value in entry.items() if value not in ("", [], None)}


def _attribution(page, *, every: list, links: list) -> Attribution:
    return Attribution(
        lines=attribution_chain([link.attribution() for link in links]),
        # Every module included verbatim, those a remix carried over too.
        verbatim=[link for link in every if link.is_verbatim],
        based_on=[_based_on(link) for link in links],
        included_from=next((link for link in links if link.is_verbatim and link.target_page_id == page.pk), None),
        comparable=[link for link in links if link.taken_revision_id and link.target_page_id == page.pk],
    )


def course_attribution(course) -> Attribution:
    every = _course_links(course)
    return _attribution(course, every=every, links=[link for link in every if link.part_of_id is None])


def module_attribution(module) -> Attribution:
    links = module_public_links(module)
    return _attribution(module, every=links, links=links)
