"""Writes for remixing: a course remixed, a module imported, an external work added as a source,
upstream changes taken over, and credits left out of derivatives. Keyword arguments only.

Like courses.services, these do not check who is asking (views do, through courses.permissions);
they keep the domain's rules: only published versions are copied, the source is never written
to, and every licence outcome comes from courses.licensing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import ReferenceIndex, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update

from p2pu.notifications.services import notifications_send_many

from .. import notification_kinds
from .. import services as course_services
from ..licensing import Licence, Resolution, Source, SourceKind, resolve_licences
from ..models import CourseCredit, CoursePage, CreditRole, ModulePage, Rubric
from ..models.remix import Derivation, DerivationKind
from ..permissions import maintainers_of
from ..validators import validate_web_url
from . import queries

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


def _refuse(resolution: Resolution) -> None:
    if not resolution.ok:
        raise ValidationError(" ".join(f"{reason}." for reason in resolution.reasons))


def _stream(raw) -> list[dict]:
    if isinstance(raw, str):
        return json.loads(raw) if raw.strip() else []
    return list(raw or [])


def _fields(model, content: dict, names) -> dict:
    """Model field values from revision content; stream fields as raw data, foreign keys as ids."""
    values = {}
    for name in names:
        if name not in content:
            continue
        if name in STREAM_FIELDS:
            values[name] = _stream(content[name])
        elif name in FOREIGN_KEYS:
            values[f"{name}_id"] = content[name]
        else:
            values[name] = content[name]
    return values


# --- Rubrics -------------------------------------------------------------------------------------------


def _rubric_ids(body: list[dict]) -> set[int]:
    return {
        item["value"]["rubric"]
        for item in body
        if item.get("type") == "activity" and isinstance(item.get("value"), dict) and item["value"].get("rubric")
    }


def _rubrics_copy(*, rubric_ids, course: CoursePage, user, copies: dict[int, int]) -> dict[int, int]:
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


def _rubrics_point_to_copies(body: list[dict], copies: dict[int, int]) -> list[dict]:
    rewritten = []
    for item in body:
        if item.get("type") == "activity" and isinstance(item.get("value"), dict):
            rubric = item["value"].get("rubric")
            item = {**item, "value": {**item["value"], "rubric": copies.get(rubric, rubric)}}
        rewritten.append(item)
    return rewritten


def _copies_of(links) -> dict[int, int]:
    copies: dict[int, int] = {}
    for link in links:
        copies.update({int(source): copy for source, copy in (link.rubric_copies or {}).items()})
    return copies


# --- What a remix draws on ---------------------------------------------------------------------------


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


def _module_plan(module: ModulePage, content: dict, *, course_licence: str, original: Derivation | None) -> ModulePlan:
    if original is not None:
        return ModulePlan(module, content, DerivationKind.VERBATIM, original.licence, original)
    licence = content.get("licence") or course_licence
    # A module its authors marked NoDerivatives inside an adaptable course can only come along verbatim.
    kind = DerivationKind.VERBATIM if Licence(licence).no_derivatives else DerivationKind.ADAPTATION
    return ModulePlan(module, content, kind, licence)


@dataclass
class RemixPlan:
    source: CoursePage
    content: dict
    modules: list[ModulePlan]

    @property
    def licence(self) -> str:
        return self.content.get("licence") or self.source.licence

    def sources(self) -> list[Source]:
        whole = Source(licence=self.licence, kind=SourceKind.ADAPTATION, title=self.content.get("title", ""))
        return [whole, *(plan.as_source() for plan in self.modules)]

    def resolution(self) -> Resolution:
        return resolve_licences(self.sources())


def remix_plan(*, source: CoursePage) -> RemixPlan:
    """What remixing ``source`` takes: its published version and its published modules, never drafts."""
    if not source.live:
        raise ValidationError("Only a published course can be remixed.")
    source = CoursePage.objects.select_related("live_revision").get(pk=source.pk)
    content = queries.live_content(source)
    # Public ones only: a module behind a login or password is not the source's to give away.
    modules = list(ModulePage.objects.child_of(source).live().public().select_related("live_revision").order_by("path"))
    originals = {
        link.target_page_id: link
        for link in Derivation.objects.filter(target_page__in=[module.pk for module in modules]).verbatim()
    }
    course_licence = content.get("licence") or source.licence
    plans = [
        _module_plan(
            module, queries.live_content(module), course_licence=course_licence, original=originals.get(module.pk)
        )
        for module in modules
    ]
    return RemixPlan(source=source, content=content, modules=plans)


def _course_slug(catalog, title: str) -> str:
    slug = slugify(title) or "course"
    if slug in course_services.RESERVED_COURSE_SLUGS:
        slug = f"{slug}-course"
    return find_available_slug(catalog, slug)


def _clone_link(original: Derivation, **fields) -> Derivation:
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


def _module_link(plan: ModulePlan, *, source_course, credits, links, user, **fields) -> Derivation:
    if plan.original is not None:
        return _clone_link(plan.original, created_by=user, **fields)
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


def _module_copy_fields(plan: ModulePlan, copies: dict[int, int]) -> dict:
    fields = _fields(ModulePage, plan.content, MODULE_CONTENT_FIELDS)
    fields["body"] = _rubrics_point_to_copies(fields.get("body", []), copies)
    fields["slug"] = plan.content.get("slug") or plan.module.slug
    # Verbatim material keeps its own licence; an adaptation takes the new course's.
    fields["licence"] = plan.licence if plan.kind == DerivationKind.VERBATIM else ""
    return fields


def _draft_copy_add(*, parent, page, user):
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


# --- Remix a course -----------------------------------------------------------------------------------


@transaction.atomic
def remix_course(*, source: CoursePage, user, licence: str, title: str = "") -> CoursePage:
    """A new draft course owned by ``user`` (its maintainer), copied from ``source``'s published
    version with every published module and the rubrics they use, and linked to what it came from.

    Raises ValidationError when the source cannot be adapted (a NoDerivatives licence) or when
    ``licence`` is not one the source allows. The source is only read.
    """
    plan = remix_plan(source=source)
    resolution = plan.resolution()
    _refuse(resolution)
    if licence not in resolution.allowed:
        allowed = ", ".join(option.label for option in resolution.allowed)
        raise ValidationError({"licence": f"A remix of “{plan.source.title}” may be licensed under {allowed} only."})

    source = plan.source
    catalog = source.get_parent().specific
    title = title.strip() or f"{plan.content.get('title', source.title)} (remix)"
    course_fields = _fields(CoursePage, plan.content, COURSE_CONTENT_FIELDS)
    if (
        course_fields.get("cover_image_id")
        and not get_image_model().objects.filter(pk=course_fields["cover_image_id"]).exists()
    ):
        # The image was deleted after that version was published.
        course_fields["cover_image_id"] = None
    tag_ids = [item["tag"] for item in plan.content.get("tagged_items", []) if item.get("tag")]
    topics = list(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)) if tag_ids else []
    remix = course_services.course_create(
        catalog=catalog,
        title=title,
        user=user,
        publish=False,
        slug=_course_slug(catalog, title),
        licence=licence,
        topics=topics,
        **course_fields,
    )
    course_services.credit_add(course=remix, person=user, role=CreditRole.MAINTAINER, accepted=True)
    course_services.course_authoring_ensure(course=remix)

    credits = queries.public_credits_of(source)
    rubric_ids = set().union(*(_rubric_ids(_stream(plan_.content.get("body"))) for plan_ in plan.modules))
    copies = _rubrics_copy(rubric_ids=rubric_ids, course=remix, user=user, copies={})

    url = queries.page_absolute_url(source)
    now = timezone.now()
    course_link = Derivation.objects.create(
        target_page=remix,
        target_course=remix,
        source_page=source,
        source_course=source,
        source_revision_id=source.live_revision_id,
        taken_revision_id=source.live_revision_id,
        taken_at=now,
        source_url=url,
        kind=DerivationKind.ADAPTATION,
        licence=plan.licence,
        snapshot=queries.snapshot_make(
            title=plan.content.get("title", source.title),
            change_note=plan.content.get("change_note", ""),
            course=source,
            credits=credits,
            url=url,
            licence=plan.licence,
            links=queries.public_links(source),
        ),
        created_by=user,
        rubric_copies={str(key): value for key, value in copies.items()},
    )

    module_links_by_source: dict[int, list[Derivation]] = {}
    for link in Derivation.objects.filter(target_page__in=[p.module.pk for p in plan.modules]).adaptations():
        module_links_by_source.setdefault(link.target_page_id, []).append(link)
    links = []
    # Each page save would rebuild the page's reference index twice (created, then its revision);
    # it is built once per copy below instead.
    with disable_reference_index_auto_update():
        copies_made = [
            _draft_copy_add(parent=remix, page=ModulePage(**_module_copy_fields(p, copies)), user=user)
            for p in plan.modules
        ]
    for copy in copies_made:
        ReferenceIndex.create_or_update_for_object(copy)
    for module_plan, copy in zip(plan.modules, copies_made, strict=True):
        used = _rubric_ids(_stream(module_plan.content.get("body")))
        links.append(
            _module_link(
                module_plan,
                source_course=source,
                credits=credits,
                links=module_links_by_source.get(module_plan.module.pk, []),
                user=user,
                target_page=copy,
                target_course=remix,
                part_of=course_link,
                rubric_copies={str(key): copies[key] for key in used if key in copies},
            )
        )
    Derivation.objects.bulk_create(links)
    return remix


# --- Import a module ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    module: ModulePage
    link: Derivation
    #: The licences the course may take now; its current licence may need to change before publishing.
    resolution: Resolution


def module_import_resolution(*, source: ModulePage, course: CoursePage, kind: str) -> Resolution:
    """The course's licence options if ``source`` were added to it as ``kind``."""
    plan = _import_plan(source=source, kind=kind)
    existing = [
        Source(licence=link.licence, kind=link.kind, title=link.title) for link in Derivation.objects.of_course(course)
    ]
    return resolve_licences([*existing, plan.as_source()])


def _import_plan(*, source: ModulePage, kind: str) -> ModulePlan:
    if not source.live:
        raise ValidationError("Only a published module can be added to a course.")
    source = ModulePage.objects.select_related("live_revision").get(pk=source.pk)
    course = source.course
    content = queries.live_content(source)
    original = queries.verbatim_link(source)
    plan = _module_plan(source, content, course_licence=course.licence if course else "", original=original)
    plan.kind = DerivationKind(kind)
    return plan


@transaction.atomic
def module_import(*, source: ModulePage, course: CoursePage, user, kind: str) -> ImportResult:
    """Add a copy of a published module to the end of ``course``, as an editable adaptation or an
    inclusion kept verbatim under its own licence. Raises ValidationError with the reason when the
    licences do not allow it."""
    if source.get_parent().pk == course.pk:
        raise ValidationError("That module is already part of this course.")
    resolution = module_import_resolution(source=source, course=course, kind=kind)
    _refuse(resolution)
    plan = _import_plan(source=source, kind=kind)
    source_course = plan.module.course
    copies = _rubrics_copy(
        rubric_ids=_rubric_ids(_stream(plan.content.get("body"))),
        course=course,
        user=user,
        copies=_copies_of(Derivation.objects.of_course(course)),
    )
    fields = _module_copy_fields(plan, copies)
    fields["slug"] = find_available_slug(course, fields["slug"])
    module = course_services.module_create(course=course, user=user, publish=False, **fields)
    used = _rubric_ids(_stream(plan.content.get("body")))
    link_fields = {
        "target_page": module,
        "target_course": course,
        "rubric_copies": {str(key): copies[key] for key in used if key in copies},
    }
    if plan.original is not None:
        link = _clone_link(plan.original, created_by=user, **link_fields)
        link.kind = plan.kind
    else:
        link = _module_link(
            plan,
            source_course=source_course,
            credits=queries.public_credits_of(source_course) if source_course else [],
            links=list(Derivation.objects.filter(target_page=plan.module).adaptations()),
            user=user,
            **link_fields,
        )
    link.save()
    return ImportResult(module=module, link=link, resolution=queries.course_resolution(course))


# --- External sources ---------------------------------------------------------------------------------


@transaction.atomic
def external_source_add(
    *, target, user, url: str, title: str, author: str, licence: str, kind: str = DerivationKind.ADAPTATION
) -> Derivation:
    """Record that a course or module draws on a work elsewhere on the web, with its TASL details."""
    errors = {}
    try:
        validate_web_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    if not title.strip():
        errors["title"] = "Give the work's title, as its authors give it."
    if licence not in Licence._value2member_map_:
        errors["licence"] = "Choose the licence the work is published under."
    if errors:
        raise ValidationError(errors)
    course = target if isinstance(target, CoursePage) else CoursePage.objects.ancestor_of(target).get()
    existing = [
        Source(licence=link.licence, kind=link.kind, title=link.title) for link in Derivation.objects.of_course(course)
    ]
    _refuse(resolve_licences([*existing, Source(licence=licence, kind=kind, title=title.strip())]))
    authors = [{"name": author.strip()}] if author.strip() else []
    return Derivation.objects.create(
        target_page=target,
        target_course=course,
        external=True,
        source_url=url,
        kind=kind,
        licence=licence,
        snapshot={"title": title.strip(), "authors": authors, "licence": licence, "source_url": url, "sources": []},
        created_by=user,
    )


def derivation_changes_set(*, derivation: Derivation, changes: str) -> Derivation:
    """How the work changed this source, as its attribution line says."""
    derivation.changes = changes.strip()
    derivation.save(update_fields=["changes"])
    return derivation


# --- Upstream changes ---------------------------------------------------------------------------------


def upstream_revision(derivation: Derivation) -> Revision | None:
    """The source's published revision the target has not taken over yet, if there is one."""
    source = derivation.source_page
    if source is None or not source.live or source.live_revision_id in (None, derivation.taken_revision_id):
        return None
    return source.live_revision


@transaction.atomic
def upstream_changes_take(*, derivation: Derivation, user) -> Revision:
    """Copy the source's newest published content into the target as a new draft revision (nothing
    is published), and remember which source revision was taken over."""
    derivation = Derivation.objects.select_for_update().get(pk=derivation.pk)
    revision = upstream_revision(derivation)
    if revision is None:
        raise ValidationError("There are no new changes in the source to take over.")
    source = derivation.source_page.specific
    content = revision.content
    target = derivation.target_page.specific.get_latest_revision_as_object()
    course = derivation.target_course

    if isinstance(source, CoursePage):
        new_licence = content.get("licence") or source.licence
        names = COURSE_UPSTREAM_FIELDS
    else:
        parent_licence = source.course.licence if source.course else ""
        new_licence = content.get("licence") or parent_licence
        names = MODULE_CONTENT_FIELDS
    others = [
        Source(licence=link.licence, kind=link.kind, title=link.title)
        for link in Derivation.objects.of_course(course).exclude(pk=derivation.pk)
    ]
    _refuse(resolve_licences([*others, Source(licence=new_licence, kind=derivation.kind, title=source.title)]))

    fields = _fields(type(target), content, names)
    if "body" in fields:
        copies = _rubrics_copy(
            rubric_ids=_rubric_ids(fields["body"]),
            course=course,
            user=user,
            copies=_copies_of(Derivation.objects.of_course(course)),
        )
        fields["body"] = _rubrics_point_to_copies(fields["body"], copies)
        used = _rubric_ids(_stream(content.get("body")))
        derivation.rubric_copies = {str(key): copies[key] for key in used if key in copies}
    for name, value in fields.items():
        setattr(target, name, value)
    if derivation.is_verbatim:
        target.licence = new_licence
    target.change_note = f"Took over the changes published in “{source.title}”"
    if content.get("change_note"):
        target.change_note += f": {content['change_note']}"
    target.change_note = target.change_note[:255]
    new_revision = target.save_revision(user=user, log_action=True)

    source_course = source if isinstance(source, CoursePage) else source.course
    links = (
        queries.public_links(source)
        if isinstance(source, CoursePage)
        else list(Derivation.objects.filter(target_page=source).adaptations())
    )
    derivation.licence = new_licence
    derivation.snapshot = queries.snapshot_make(
        title=content.get("title", source.title),
        change_note=content.get("change_note", ""),
        course=source_course,
        credits=queries.public_credits_of(source_course),
        url=queries.page_absolute_url(source),
        licence=new_licence,
        links=links,
    )
    derivation.taken_revision = revision
    derivation.taken_at = timezone.now()
    derivation.save()
    return new_revision


# --- Credits in derivatives ---------------------------------------------------------------------------


def _scrub(snapshot: dict, credit_ids: set[int], *, name: str, opted_out: bool) -> bool:
    """Mark (or unmark) these credits as left out, in a snapshot and its earlier sources; True if changed."""
    changed = False
    for author in snapshot.get("authors", []):
        if credit_ids & set(author.get("credit_ids", [])):
            author["opted_out"] = opted_out
            author["name"] = "" if opted_out else name
            changed = True
    for earlier in snapshot.get("sources", []):
        changed = _scrub(earlier, credit_ids, name=name, opted_out=opted_out) or changed
    return changed


@transaction.atomic
def credit_opt_out_set(*, credit: CourseCredit, opted_out: bool) -> CourseCredit:
    """Leave the person out of (or back in) the credits that remixes of the course give (CC BY 4.0
    §3(a)(3)). Remixes made before are updated too, down the whole family: their chains then say
    "an earlier contributor"."""
    credit.opted_out_of_derivatives = opted_out
    credit.save(update_fields=["opted_out_of_derivatives"])
    person_credits = (
        CourseCredit.objects.filter(course=credit.course, person=credit.person)
        if credit.person_id
        else CourseCredit.objects.filter(pk=credit.pk)
    )
    # A person credited in several roles is one author in a snapshot: they are left out if any of
    # their credits asks for it.
    hidden = person_credits.filter(opted_out_of_derivatives=True).exists()
    credit_ids = set(person_credits.values_list("pk", flat=True))
    frontier = {credit.course_id}
    seen = set(frontier)
    while frontier:
        # Remixes of these courses keep the snapshot directly; their own remixes, among their sources.
        links = list(Derivation.objects.select_for_update().filter(source_course__in=frontier))
        changed = [link for link in links if _scrub(link.snapshot, credit_ids, name=credit.name, opted_out=hidden)]
        Derivation.objects.bulk_update(changed, ["snapshot"])
        frontier = {link.target_course_id for link in links} - seen
        seen |= frontier
    return credit


# --- Publication ---------------------------------------------------------------------------------------


def published_changes_record(*, page, revision) -> int:
    """A derived page was published: its change note becomes the description of its changes on the
    links that have none yet. Returns how many links it describes."""
    note = (revision.content.get("change_note") or "").strip()
    if not note:
        return 0
    return Derivation.objects.filter(target_page=page, changes="").adaptations().update(changes=note)


#: The notification kind for "a source of your course published a new version".


def upstream_published_notify(*, page, revision) -> list:
    """The maintainers of every course derived from ``page`` hear that it has a new version, with a link
    to what changed. Once per derivation and source revision."""
    links = (
        Derivation.objects.filter(source_page=page)
        .exclude(taken_revision=revision)
        .select_related("target_page", "target_course")
    )
    note = (revision.content.get("change_note") or "").strip()
    sent = []
    for link in links:
        sent += notifications_send_many(
            recipients=maintainers_of(link.target_course),
            kind=notification_kinds.UPSTREAM,
            title=f"“{page.title}” has a new version: see what changed for “{link.target_page.title}”",
            body=f"Its note: {note}" if note else "",
            url=reverse("courses:remix_upstream", args=[link.pk]),
            actor=revision.user,
            dedupe_key=f"course.upstream:{link.pk}:{revision.pk}",
        )
    return sent
