"""Reading what a course or module is built on: its licence options, what blocks its publication,
its attribution chain, its remix family, and the published content a remix copies.

The rules themselves live in courses.licensing (pure); this module feeds them from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p2pu.core.links import absolute_url

from ..derivations import course_public_links, module_public_links, sources_of, translated_from
from ..licensing import Licence, is_allowed
from ..models import CourseCredit, CoursePage, ModulePage
from ..models.remix import Derivation, DerivationKind
from . import diff, tree

# --- Published content --------------------------------------------------------------------------------


def live_content(page) -> dict:
    """The page's content as it is published, never a newer draft.

    From its live revision; a live page without one (made outside the editor) has its published
    content in its own row, as Wagtail saves drafts of live pages only as revisions.
    """
    if page.live_revision_id:
        return page.live_revision.content
    return page.serializable_data()


def latest_content(page) -> dict:
    """The page's newest content, draft or published: what its authors are working on."""
    if page.latest_revision_id:
        return page.latest_revision.content
    return page.serializable_data()


def page_absolute_url(page) -> str:
    """The page's address on ``SITE_URL``, as a derivation keeps it."""
    return absolute_url(page.get_url() or "")


# --- Licences ----------------------------------------------------------------------------------------


def _changed(link: Derivation, page) -> bool:
    """Whether the page's text differs from the source version it took; unknowable without that version."""
    if link.taken_revision is None:
        return True
    return diff.paragraphs(link.taken_revision.content) != diff.paragraphs(page.serializable_data())


def publish_refusals(page, *, course_licence: str | None = None) -> list[str]:
    """Why this version of a course or module may not be published, in plain language; empty if it may.

    ``page`` carries the field values being published (the submitted form, or a revision as an
    object). A module without a licence of its own takes ``course_licence``, by default the
    course's published one.
    """
    if isinstance(page, CoursePage):
        links = list(Derivation.objects.of_course(page))
        licence = page.licence
        own_adaptations = [link for link in links if link.target_page_id == page.pk and not link.is_verbatim]
    elif isinstance(page, ModulePage):
        links = list(Derivation.objects.filter(target_page=page).select_related("taken_revision"))
        course = CoursePage.objects.ancestor_of(page).first()
        licence = page.licence or course_licence or (course.licence if course else "")
        # A module copied along with a remixed course and left as it was has no changes to describe.
        own_adaptations = [link for link in links if not link.is_verbatim and _changed(link, page)]
    else:
        return []
    if not links:
        return []
    refusals = []
    verbatim = next((link for link in links if link.is_verbatim and link.target_page_id == page.pk), None)
    if verbatim is not None and licence != verbatim.licence:
        refusals.append(
            _("“%(title)s” is included verbatim from “%(source)s”, so it keeps its licence, %(licence)s.")
            % {"title": page.title, "source": verbatim.title, "licence": Licence(verbatim.licence).label}
        )
    elif licence:
        allowed, reason = is_allowed(Licence(licence), sources_of(links))
        if not allowed:
            refusals.append(
                _("It can't be published under %(licence)s: %(reason)s.")
                % {"licence": Licence(licence).label, "reason": reason}
            )
    source = translated_from(page) if isinstance(page, CoursePage) and page.pk else None
    if source is not None and licence != source.licence:
        refusals.append(
            _("A translation keeps the licence of the course it translates: publish it under %(licence)s.")
            % {"licence": Licence(source.licence).label}
        )
    if own_adaptations and not (page.change_note or "").strip():
        titles = ", ".join(f"“{link.title}”" for link in own_adaptations)
        refusals.append(
            _("Describe what you changed from %(titles)s in the change note: adaptations must say so.")
            % {"titles": titles}
        )
    return refusals


# --- Attribution -------------------------------------------------------------------------------------


def public_links(page) -> list[Derivation]:
    """The derivations a page's attribution names (courses.derivations)."""
    return course_public_links(page) if isinstance(page, CoursePage) else module_public_links(page)


def _credited_people(credits) -> list[dict]:
    """Authors for a snapshot, each person once; those who asked to be left out of derivatives'
    credits (CC BY 4.0 §3(a)(3)) are kept only as a count, without their name."""
    people: dict[tuple, dict] = {}
    for credit in credits:
        key = ("person", credit.person_id) if credit.person_id else ("name", credit.external_name)
        entry = people.setdefault(key, {"name": credit.name, "credit_ids": []})
        entry["credit_ids"].append(credit.pk)
        if credit.opted_out_of_derivatives:
            entry["opted_out"] = True
    for entry in people.values():
        if entry.get("opted_out"):
            entry["name"] = ""
    return list(people.values())


def snapshot_make(*, title: str, change_note: str, course: CoursePage, credits, url: str, licence: str, links) -> dict:
    """A frozen attribution record of a published version of a course or module.

    ``credits`` are the source course's public credits; ``change_note`` the note the source published
    that version with; ``links`` the source's own derivations, whose snapshots (with the source's
    description of how it changed them) are kept as its earlier sources.
    """
    return {
        "title": title,
        "authors": _credited_people(credits),
        "licence": licence,
        "source_url": url,
        "course_title": course.title,
        "change_note": change_note or "",
        "sources": [link.attribution() for link in links],
    }


def public_credits_of(course: CoursePage) -> list[CourseCredit]:
    return list(CourseCredit.objects.filter(course=course).public().select_related("person"))


# --- Remix family ------------------------------------------------------------------------------------

#: A family is drawn at most this many generations away from the course, so a drawing stays readable.
FAMILY_DEPTH = 6


@dataclass
class FamilyMember:
    key: str
    title: str
    url: str
    licence: str
    kind: str = ""
    children: list[FamilyMember] = field(default_factory=list)


@dataclass
class Family:
    course: CoursePage
    sources: list[FamilyMember]
    derivatives: list[FamilyMember]
    drawing: tree.Drawing

    @property
    def description(self) -> str:
        def count(members):
            return sum(1 + count(member.children) for member in members)

        sources, derivatives = count(self.sources), count(self.derivatives)
        return _("“%(title)s” draws on %(sources)s and has %(remixes)s.") % {
            "title": self.course.title,
            "sources": ngettext("%(count)d earlier work", "%(count)d earlier works", sources) % {"count": sources},
            "remixes": ngettext("%(count)d published remix", "%(count)d published remixes", derivatives)
            % {"count": derivatives},
        }


def _source_members(snapshots, prefix: str) -> list[FamilyMember]:
    members = []
    for index, snapshot in enumerate(snapshots):
        key = f"{prefix}.{index}"
        members.append(
            FamilyMember(
                key=key,
                title=snapshot.get("title", ""),
                url=snapshot.get("source_url") or "",
                licence=snapshot.get("licence", ""),
                kind=snapshot.get("kind", DerivationKind.ADAPTATION),
                children=_source_members(snapshot.get("sources", []), key) if prefix.count(".") < FAMILY_DEPTH else [],
            )
        )
    return members


def _derivative_members(course: CoursePage) -> list[FamilyMember]:
    """Published, public courses derived from ``course``, and theirs, one query per generation.

    A private remix is left out, and so is what was derived from it.
    """
    public_courses = CoursePage.objects.live().public().values("pk")
    roots: list[FamilyMember] = []
    frontier = {course.pk: roots}
    seen = {course.pk}
    for _generation in range(FAMILY_DEPTH):
        if not frontier:
            break
        links = (
            Derivation.objects.filter(source_course__in=frontier.keys(), part_of__isnull=True)
            .filter(target_course__in=public_courses)
            .select_related("target_course")
            .order_by("created_at", "pk")
        )
        next_frontier: dict[int, list[FamilyMember]] = {}
        for link in links:
            derivative = link.target_course
            if derivative.pk in seen:
                continue
            seen.add(derivative.pk)
            member = FamilyMember(
                key=f"course-{derivative.pk}",
                title=derivative.title,
                url=derivative.url or "",
                licence=derivative.licence,
                kind=link.kind,
            )
            frontier[link.source_course_id].append(member)
            next_frontier[derivative.pk] = member.children
        frontier = next_frontier
    return roots


def family_of(course: CoursePage) -> Family:
    sources = _source_members([link.attribution() for link in public_links(course)], "source")
    derivatives = _derivative_members(course)
    nodes = [tree.Node(key="self", title=course.title, generation=0, current=True)]
    edges = []

    def add(members, parent_key, generation, upward):
        for member in members:
            nodes.append(tree.Node(key=member.key, title=member.title, generation=generation))
            edges.append(tree.Edge(member.key, parent_key) if upward else tree.Edge(parent_key, member.key))
            add(member.children, member.key, generation + (-1 if upward else 1), upward)

    add(sources, "self", -1, upward=True)
    add(derivatives, "self", 1, upward=False)
    return Family(course=course, sources=sources, derivatives=derivatives, drawing=tree.layout(nodes, edges))
