"""What copying a published course or module takes, shared by remixing, module imports and upstream
changes: the fields copied, the rubrics copied along, the new derivation links, and the draft copies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Revision

from ... import services as course_services
from ...licensing import Licence, Resolution, Source
from ...models import CoursePage, ModulePage, Rubric
from ...models.remix import Derivation, DerivationKind
from .. import queries

#: Module fields a copy takes from its source (the slug too, when creating). The change note is
#: left empty: the remixer describes their own changes.
MODULE_CONTENT_FIELDS = (
    "title",
    "summary",
    "objectives",
    "duration_minutes",
    "body",
    "seo_title",
    "search_description",
)
#: Course fields a remix takes from its source; its title, slug, licence and credits are its own.
COURSE_CONTENT_FIELDS = (
    "summary",
    "description",
    "outcomes",
    "language",
    "level",
    "estimated_hours",
    "cover_image",
    "cover_image_alt",
    "seo_title",
    "search_description",
)
#: What taking over a course's upstream changes copies: its words, not its settings.
COURSE_UPSTREAM_FIELDS = ("summary", "description", "outcomes")
STREAM_FIELDS = frozenset({"objectives", "outcomes", "body"})
FOREIGN_KEYS = frozenset({"cover_image"})


def refuse_unless_resolved(resolution: Resolution) -> None:
    """Raise the licensing rules' reasons when the sources cannot be combined."""
    if not resolution.ok:
        raise ValidationError(" ".join(f"{reason}." for reason in resolution.reasons))


def stream_data(raw) -> list[dict]:
    """A StreamField's raw data, from revision content (JSON text) or a page (a list)."""
    if isinstance(raw, str):
        return json.loads(raw) if raw.strip() else []
    return list(raw or [])


def content_fields(model, content: dict, names) -> dict:
    """Model field values from revision content; stream fields as raw data, foreign keys as ids."""
    values = {}
    for name in names:
        if name not in content:
            continue
        if name in STREAM_FIELDS:
            values[name] = stream_data(content[name])
        elif name in FOREIGN_KEYS:
            values[f"{name}_id"] = content[name]
        else:
            values[name] = content[name]
    return values


# --- Rubrics -------------------------------------------------------------------------------------------


def rubric_ids_in(body: list[dict]) -> set[int]:
    return {
        item["value"]["rubric"]
        for item in body
        if item.get("type") == "activity" and isinstance(item.get("value"), dict) and item["value"].get("rubric")
    }


def rubrics_copy(*, rubric_ids, course: CoursePage, user, copies: dict[int, int]) -> dict[int, int]:
    """Copies, for ``course``, of the rubrics that belong to another course (their authors alone may
    edit them); site-wide rubrics every course may use stay shared. ``copies`` maps source rubric ids
    to copies made earlier, which are reused. Returns the updated map."""
    copies = dict(copies)
    wanted = {pk for pk in rubric_ids if pk not in copies}
    for rubric in Rubric.objects.filter(pk__in=wanted).exclude(course__isnull=True).exclude(course=course):
        copy = course_services.rubric_create(
            title=rubric.title,
            description=rubric.description,
            criteria=rubric.criteria.get_prep_value(),
            course=course,
            user=user,
        )
        copies[rubric.pk] = copy.pk
    return copies


def rubrics_point_to_copies(body: list[dict], copies: dict[int, int]) -> list[dict]:
    rewritten = []
    for item in body:
        if item.get("type") == "activity" and isinstance(item.get("value"), dict):
            rubric = item["value"].get("rubric")
            item = {**item, "value": {**item["value"], "rubric": copies.get(rubric, rubric)}}
        rewritten.append(item)
    return rewritten


def rubric_copies_of(links) -> dict[int, int]:
    copies: dict[int, int] = {}
    for link in links:
        copies.update({int(source): copy for source, copy in (link.rubric_copies or {}).items()})
    return copies


# --- Modules -------------------------------------------------------------------------------------------


@dataclass
class ModulePlan:
    """One published module of the source and how a remix takes it."""

    module: ModulePage
    content: dict
    kind: str
    licence: str
    #: Set when the source module is itself included verbatim: the remix includes the same original.
    original: Derivation | None = None

    def as_source(self) -> Source:
        title = self.original.title if self.original else self.content.get("title", "")
        return Source(licence=self.licence, kind=self.kind, title=title)


def module_plan_for(
    module: ModulePage, content: dict, *, course_licence: str, original: Derivation | None
) -> ModulePlan:
    if original is not None:
        return ModulePlan(module, content, DerivationKind.VERBATIM, original.licence, original)
    licence = content.get("licence") or course_licence
    # A module its authors marked NoDerivatives inside an adaptable course can only come along verbatim.
    kind = DerivationKind.VERBATIM if Licence(licence).no_derivatives else DerivationKind.ADAPTATION
    return ModulePlan(module, content, kind, licence)


def verbatim_link_clone(original: Derivation, **fields) -> Derivation:
    """A new link to the same original work, for material that stays included verbatim."""
    return Derivation(
        source_page_id=original.source_page_id,
        source_course_id=original.source_course_id,
        source_revision_id=original.source_revision_id,
        taken_revision_id=original.taken_revision_id,
        taken_at=original.taken_at,
        external=original.external,
        source_url=original.source_url,
        kind=DerivationKind.VERBATIM,
        licence=original.licence,
        snapshot=original.snapshot,
        **fields,
    )


def module_link_make(plan: ModulePlan, *, source_course, credits, links, user, **fields) -> Derivation:
    if plan.original is not None:
        return verbatim_link_clone(plan.original, created_by=user, **fields)
    module = plan.module
    url = queries.page_absolute_url(module)
    return Derivation(
        source_page=module,
        source_course=source_course,
        source_revision_id=module.live_revision_id,
        taken_revision_id=module.live_revision_id,
        taken_at=timezone.now(),
        source_url=url,
        kind=plan.kind,
        licence=plan.licence,
        snapshot=queries.snapshot_make(
            title=plan.content.get("title", module.title),
            change_note=plan.content.get("change_note", ""),
            course=source_course,
            credits=credits,
            url=url,
            licence=plan.licence,
            links=links,
        ),
        created_by=user,
        **fields,
    )


def module_copy_fields(plan: ModulePlan, copies: dict[int, int]) -> dict:
    fields = content_fields(ModulePage, plan.content, MODULE_CONTENT_FIELDS)
    fields["body"] = rubrics_point_to_copies(fields.get("body", []), copies)
    fields["slug"] = plan.content.get("slug") or plan.module.slug
    # Verbatim material keeps its own licence; an adaptation takes the new course's.
    fields["licence"] = plan.licence if plan.kind == DerivationKind.VERBATIM else ""
    return fields


def draft_copy_add(*, parent, page, user):
    """Add a copy as a draft under ``parent``, with its first revision by ``user``.

    This is Page.save_revision without its second save of the page, which only points the page at
    the revision but re-validates and re-indexes it for search: a copy of fifty modules would pay
    that fifty times. The content was valid where it was published, and one UPDATE sets the same
    fields.
    """
    page.owner = user
    page.live = False
    page.has_unpublished_changes = True
    # The course's locale, which Wagtail would otherwise look up again for every page.
    page.locale_id = parent.locale_id
    parent.add_child(instance=page)
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        user=user,
        content=page.serializable_data(),
        object_str=str(page),
    )
    type(page).objects.filter(pk=page.pk).update(
        latest_revision=revision, latest_revision_created_at=revision.created_at, draft_title=page.title
    )
    page.latest_revision, page.latest_revision_created_at = revision, revision.created_at
    log(instance=page, action="wagtail.edit", user=user, revision=revision, content_changed=True)
    return page
