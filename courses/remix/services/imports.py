"""Using a published module in a course of one's own: adapted, or included verbatim."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug

from ... import services as course_services
from ...derivations import course_resolution, sources_of, verbatim_link
from ...licensing import Resolution, resolve_licences
from ...models import CoursePage, ModulePage
from ...models.remix import Derivation, DerivationKind
from .. import queries
from .copying import (
    ModulePlan,
    module_copy_fields,
    module_link_make,
    module_plan_for,
    refuse_unless_resolved,
    rubric_copies_of,
    rubric_ids_in,
    rubrics_copy,
    stream_data,
    verbatim_link_clone,
)


@dataclass
class ImportResult:
    module: ModulePage
    link: Derivation
    #: The licences the course may take now; its current licence may need to change before publishing.
    resolution: Resolution


def module_import_resolution(*, source: ModulePage, course: CoursePage, kind: str) -> Resolution:
    """The course's licence options if ``source`` were added to it as ``kind``."""
    plan = _import_plan(source=source, kind=kind)
    existing = sources_of(Derivation.objects.of_course(course))
    return resolve_licences([*existing, plan.as_source()])


def _import_plan(*, source: ModulePage, kind: str) -> ModulePlan:
    if not source.live:
        raise ValidationError(_("Only a published module can be added to a course."))
    source = ModulePage.objects.select_related("live_revision").get(pk=source.pk)
    course = source.course
    content = queries.live_content(source)
    original = verbatim_link(source)
    plan = module_plan_for(source, content, course_licence=course.licence if course else "", original=original)
    plan.kind = DerivationKind(kind)
    return plan


@transaction.atomic
def module_import(*, source: ModulePage, course: CoursePage, user, kind: str) -> ImportResult:
    """Add a copy of a published module to the end of ``course``, as an editable adaptation or an
    inclusion kept verbatim under its own licence. Raises ValidationError with the reason when the
    licences do not allow it."""
    if source.get_parent().pk == course.pk:
        raise ValidationError(_("That module is already part of this course."))
    resolution = module_import_resolution(source=source, course=course, kind=kind)
    refuse_unless_resolved(resolution)
    plan = _import_plan(source=source, kind=kind)
    source_course = plan.module.course
    copies = rubrics_copy(
        rubric_ids=rubric_ids_in(stream_data(plan.content.get("body"))),
        course=course,
        user=user,
        copies=rubric_copies_of(Derivation.objects.of_course(course)),
    )
    fields = module_copy_fields(plan, copies)
    fields["slug"] = find_available_slug(course, fields["slug"])
    module = course_services.module_create(course=course, user=user, publish=False, **fields)
    used = rubric_ids_in(stream_data(plan.content.get("body")))
    link_fields = {
        "target_page": module,
        "target_course": course,
        "rubric_copies": {str(key): copies[key] for key in used if key in copies},
    }
    if plan.original is not None:
        link = verbatim_link_clone(plan.original, created_by=user, **link_fields)
        link.kind = plan.kind
    else:
        link = module_link_make(
            plan,
            source_course=source_course,
            credits=queries.public_credits_of(source_course) if source_course else [],
            links=list(Derivation.objects.filter(target_page=plan.module).adaptations()),
            user=user,
            **link_fields,
        )
    link.save()
    return ImportResult(module=module, link=link, resolution=course_resolution(course))
