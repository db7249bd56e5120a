"""Which version of a course an export shows: the live one, or the one a study circle pinned.

Only public material is ever exported: the course must be live and not view-restricted, and a module
appears only while it is live and public itself, whatever version was pinned. A pinned version is
named by revision ids (the course's and each module's, as a circle stores them); each must be a
published revision of this course or of one of its public modules, never a draft.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from wagtail.models import PageLogEntry, Revision

from p2pu.core.links import absolute_url

from ..derivations import Attribution, course_attribution
from ..licensing import Licence
from ..models import CourseCredit, CoursePage, ModulePage

#: Raise when the layout of the built files changes, so cached files built the old way are rebuilt.
LAYOUT_VERSION = 1


class EditionNotFound(Exception):
    """The version asked for is not a published version of a public course."""


@dataclass
class Edition:
    """One version of a course, with everything an export prints about it."""

    course: CoursePage
    modules: list[ModulePage]
    course_revision_id: int | None
    module_revision_ids: list[tuple[int, int | None]]
    credits: list[CourseCredit]
    attribution: Attribution
    pinned: bool = False
    #: {module page id: the derivation it is included verbatim from}
    verbatim_modules: dict = field(default_factory=dict)

    @property
    def licence(self) -> Licence:
        return Licence(self.course.licence)

    @property
    def url(self) -> str:
        return absolute_url(self.course.url or "")

    def module_licence(self, module: ModulePage) -> Licence:
        return Licence(module.licence or self.course.licence)

    @property
    def version_key(self) -> str:
        """A digest of everything the exported file shows, so any change gives a new file."""
        described = {
            "layout": LAYOUT_VERSION,
            "course": [self.course.pk, self.course_revision_id, str(self.course.last_published_at)],
            "modules": [
                [module.pk, revision_id, str(module.last_published_at)]
                for module, (_, revision_id) in zip(self.modules, self.module_revision_ids, strict=True)
            ],
            "credits": [[credit.pk, credit.name, credit.role] for credit in self.credits],
            "attribution": self.attribution.lines,
            "verbatim": sorted(self.verbatim_modules),
        }
        return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def exportable_courses():
    """Courses anyone may download: live and not behind a view restriction."""
    return CoursePage.objects.live().public()


def _public_modules(course: CoursePage) -> dict[int, ModulePage]:
    return {module.pk: module for module in course.modules()}


def _edition(course: CoursePage, modules, course_revision_id, module_revision_ids, *, pinned: bool) -> Edition:
    attribution = course_attribution(course)
    return Edition(
        course=course,
        modules=modules,
        course_revision_id=course_revision_id,
        module_revision_ids=module_revision_ids,
        credits=list(course.credits.public().select_related("person")),
        attribution=attribution,
        pinned=pinned,
        verbatim_modules={link.target_page_id: link for link in attribution.verbatim},
    )


def live_edition(course: CoursePage) -> Edition:
    """The course and its public modules as they are published now."""
    modules = list(course.modules())
    return _edition(
        course,
        modules,
        course.live_revision_id,
        [(module.pk, module.live_revision_id) for module in modules],
        pinned=False,
    )


def _published_revisions(ids, *, object_ids) -> dict[int, Revision]:
    """Those of the revisions that belong to one of these pages and were published at some point."""
    revisions = Revision.page_revisions.filter(pk__in=ids, object_id__in=[str(pk) for pk in object_ids])
    published = set(
        PageLogEntry.objects.filter(action="wagtail.publish", revision_id__in=ids).values_list("revision_id", flat=True)
    )
    live = set(ModulePage.objects.filter(live_revision_id__in=ids).values_list("live_revision_id", flat=True)) | set(
        CoursePage.objects.filter(live_revision_id__in=ids).values_list("live_revision_id", flat=True)
    )
    return {revision.pk: revision for revision in revisions if revision.pk in published | live}


def pinned_edition(course: CoursePage, course_revision_id: int, module_revision_ids: list[int]) -> Edition:
    """The version named by a course revision and module revisions (in outline order).

    Raises EditionNotFound unless the course revision is a published one of this course and every
    module revision a published one of its modules; modules no longer public are left out.
    """
    public_modules = _public_modules(course)
    all_module_ids = ModulePage.objects.child_of(course).values_list("pk", flat=True)
    wanted = [course_revision_id, *module_revision_ids]
    revisions = _published_revisions(wanted, object_ids=[course.pk, *all_module_ids])
    course_revision = revisions.get(course_revision_id)
    if course_revision is None or course_revision.object_id != str(course.pk):
        raise EditionNotFound
    if any(revision_id not in revisions for revision_id in module_revision_ids):
        raise EditionNotFound
    versioned_course = course_revision.as_object()
    modules, pairs = [], []
    for revision_id in module_revision_ids:
        revision = revisions[revision_id]
        module_id = int(revision.object_id)
        if module_id == course.pk:
            raise EditionNotFound
        if module_id in public_modules:
            modules.append(revision.as_object())
            pairs.append((module_id, revision_id))
    return _edition(versioned_course, modules, course_revision_id, pairs, pinned=True)


def stored_edition(course: CoursePage, course_revision_id: int | None, module_revisions) -> Edition:
    """The edition an export row describes, read again by the task that builds it."""
    if course_revision_id is None or course_revision_id == course.live_revision_id:
        live = live_edition(course)
        if [list(pair) for pair in live.module_revision_ids] == [list(pair) for pair in module_revisions]:
            return live
    revision_ids = [revision_id for _module_id, revision_id in module_revisions if revision_id is not None]
    return pinned_edition(course, course_revision_id, revision_ids)


def course_for_export(slug: str) -> CoursePage | None:
    """The downloadable course at /courses/<slug>/ (courses are the catalog's children, so their slugs differ)."""
    return exportable_courses().filter(slug=slug).order_by("depth", "pk").first()
