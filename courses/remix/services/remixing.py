"""Remixing a course: what a remix draws on, and the draft course it makes."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from ... import services as course_services
from ...licensing import Resolution, Source, SourceKind, resolve_licences
from ...models import CoursePage, CreditRole, ModulePage
from ...models.remix import Derivation, DerivationKind
from .. import queries
from .copying import (
    COURSE_CONTENT_FIELDS,
    ModulePlan,
    content_fields,
    draft_copy_add,
    module_copy_fields,
    module_link_make,
    module_plan_for,
    refuse_unless_resolved,
    rubric_ids_in,
    rubrics_copy,
    stream_data,
)


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
        raise ValidationError(_("Only a published course can be remixed."))
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
        module_plan_for(
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


@transaction.atomic
def remix_course(*, source: CoursePage, user, licence: str, title: str = "") -> CoursePage:
    """A new draft course owned by ``user`` (its maintainer), copied from ``source``'s published
    version with every published module and the rubrics they use, and linked to what it came from.

    Raises ValidationError when the source cannot be adapted (a NoDerivatives licence) or when
    ``licence`` is not one the source allows. The source is only read.
    """
    plan = remix_plan(source=source)
    resolution = plan.resolution()
    refuse_unless_resolved(resolution)
    if licence not in resolution.allowed:
        allowed = ", ".join(option.label for option in resolution.allowed)
        raise ValidationError(
            {
                "licence": _("A remix of “%(title)s” may be licensed under %(licences)s only.")
                % {"title": plan.source.title, "licences": allowed}
            }
        )

    source = plan.source
    catalog = source.get_parent().specific
    title = title.strip() or f"{plan.content.get('title', source.title)} (remix)"
    course_fields = content_fields(CoursePage, plan.content, COURSE_CONTENT_FIELDS)
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
    rubric_ids = set().union(*(rubric_ids_in(stream_data(plan_.content.get("body"))) for plan_ in plan.modules))
    copies = rubrics_copy(rubric_ids=rubric_ids, course=remix, user=user, copies={})

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
            draft_copy_add(parent=remix, page=ModulePage(**module_copy_fields(p, copies)), user=user)
            for p in plan.modules
        ]
    for copy in copies_made:
        ReferenceIndex.create_or_update_for_object(copy)
    for module_plan, copy in zip(plan.modules, copies_made, strict=True):
        used = rubric_ids_in(stream_data(module_plan.content.get("body")))
        links.append(
            module_link_make(
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
