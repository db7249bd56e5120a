"""Translating a course: a copy of its published version in another language's Wagtail locale, linked to
it by ``translation_key``.

A translation is a derivative like a remix: it keeps its source's licence, credits its translator, and
is linked to the source's published revision by an adaptation with a frozen attribution. Wagtail makes
the copy (``copy_for_translation``, which the admin's "Translate" action of
``wagtail.contrib.simple_translation`` uses too); ``course_translation_link`` runs on Wagtail's
``copy_for_translation_done`` signal, so the links and credits are the same whichever way it was made.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.coreutils import get_content_languages
from wagtail.log_actions import LogContext
from wagtail.models import Locale

from ... import services as course_services
from ...choices import language_name, language_name_translated
from ...licensing import Source, SourceKind, resolve_licences
from ...models import CourseIndexPage, CoursePage, CreditRole, ModulePage
from ...models.remix import Derivation, DerivationKind
from .. import queries
from .copying import module_link_make, module_plan_for


def translatable_languages(course: CoursePage) -> list[tuple[str, str]]:
    """The content languages ``course`` has no version in yet, as (code, name) choices."""
    taken = set(CoursePage.objects.filter(translation_key=course.translation_key).values_list("language", flat=True))
    return [(code, language_name(code)) for code in get_content_languages() if code not in taken]


def translation_refusal(*, source: CoursePage, language: str | None = None) -> str:
    """Why ``source`` cannot be translated (into ``language``, when given), in plain language; empty when it
    can."""
    if not source.live:
        return _("Only a published course can be translated.")
    resolution = resolve_licences([Source(licence=source.licence, kind=SourceKind.ADAPTATION, title=source.title)])
    if not resolution.ok:
        # The licensing rules' own reason: an ND licence allows no adaptation, and a translation is one.
        return " ".join(f"{reason}." for reason in resolution.reasons)
    if language is not None and language not in dict(translatable_languages(source)):
        return _("“%(title)s” already has a version in that language, or it is not one of the site's languages.") % {
            "title": source.title
        }
    return ""


def _course_slug(catalog: CourseIndexPage, wanted: str, exclude_pk: int) -> str:
    """A slug no course in any locale of the catalog has: courses of every locale share /courses/<slug>/."""
    slug = slugify(wanted) or "course"
    if slug in course_services.RESERVED_COURSE_SLUGS:
        slug = f"{slug}-course"
    taken = set(catalog.all_courses().exclude(pk=exclude_pk).values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


@transaction.atomic
def course_translation_create(
    *, source: CoursePage, language: str, user, title: str = "", slug: str = "", include_modules: bool = True
) -> CoursePage:
    """A draft translation of ``source``'s published version into ``language``, with its modules (to be
    translated by its translator, ``user``). Raises ValidationError with the reason when the course cannot
    be translated: not published, a NoDerivatives licence, or a version in that language already."""
    refusal = translation_refusal(source=source, language=language)
    if refusal:
        raise ValidationError(refusal)
    locale, _created = Locale.objects.get_or_create(language_code=language)
    # The log context names the translator to course_translation_link, as the admin's own does.
    with LogContext(user=user):
        copy = CopyPageForTranslationAction(
            page=source, locale=locale, copy_parents=True, include_subtree=include_modules, user=user
        ).execute(skip_permission_checks=True)
    translation = CoursePage.objects.get(pk=copy.pk)
    if title.strip() or slug.strip():
        translation.title = translation.draft_title = title.strip() or translation.title
        catalog = CourseIndexPage.objects.get(pk=source.get_parent().pk)
        translation.slug = _course_slug(catalog, slug or translation.title, translation.pk)
        translation.save()
        translation.save_revision(user=user, log_action=True)
    return translation


def _translation_fields(*, source: CoursePage, translation: CoursePage) -> None:
    """Content language follows the locale; the licence the source's; a slug of its own; a change note."""
    catalog = CourseIndexPage.objects.get(pk=source.get_parent().pk)
    translation.language = translation.locale.language_code
    translation.licence = source.licence
    translation.slug = _course_slug(catalog, f"{source.slug}-{translation.language}", translation.pk)
    translation.change_note = _("Translated into %(language)s") % {
        "language": language_name_translated(translation.language)
    }


@transaction.atomic
def course_translation_link(*, source, translation, user=None) -> Derivation | None:
    """What makes a copy in another locale a translation (run on ``copy_for_translation_done``): for a
    course, its language, licence and slug, the translator's credits and authoring space, and an adaptation
    of the source's published revision; for a module, its link as part of that. Idempotent; None for
    other pages (the catalog's and home page's aliases)."""
    if isinstance(source, ModulePage) and isinstance(translation, ModulePage):
        return _module_translation_link(source=source, translation=translation, user=user)
    if not (isinstance(source, CoursePage) and isinstance(translation, CoursePage)) or translation.alias_of_id:
        return None
    existing = Derivation.objects.filter(target_page=translation, source_course=source).first()
    if existing is not None:
        return existing
    source = CoursePage.objects.select_related("live_revision").get(pk=source.pk)
    translation = CoursePage.objects.select_related("locale").get(pk=translation.pk)
    _translation_fields(source=source, translation=translation)
    translation.save()
    translation.save_revision(user=user)
    if user is not None:
        course_services.credit_add(course=translation, person=user, role=CreditRole.TRANSLATOR, accepted=True)
        course_services.credit_add(course=translation, person=user, role=CreditRole.MAINTAINER, accepted=True)
    course_services.course_authoring_ensure(course=translation)
    content = queries.live_content(source) if source.live else queries.latest_content(source)
    url = queries.page_absolute_url(source)
    return Derivation.objects.create(
        target_page=translation,
        target_course=translation,
        source_page=source,
        source_course=source,
        source_revision_id=source.live_revision_id,
        taken_revision_id=source.live_revision_id,
        taken_at=timezone.now(),
        source_url=url,
        kind=DerivationKind.ADAPTATION,
        licence=source.licence,
        snapshot=queries.snapshot_make(
            title=content.get("title", source.title),
            change_note=content.get("change_note", ""),
            course=source,
            credits=queries.public_credits_of(source),
            url=url,
            licence=source.licence,
            links=queries.public_links(source),
        ),
        changes=translation.change_note,
        created_by=user,
    )


def _module_translation_link(*, source: ModulePage, translation: ModulePage, user) -> Derivation | None:
    course_link = Derivation.objects.filter(
        target_page=translation.get_parent(), source_page=source.get_parent(), part_of__isnull=True
    ).first()
    if course_link is None or Derivation.objects.filter(target_page=translation, part_of=course_link).exists():
        return None
    source = ModulePage.objects.select_related("live_revision").get(pk=source.pk)
    content = queries.live_content(source) if source.live else queries.latest_content(source)
    plan = module_plan_for(
        source,
        content,
        course_licence=course_link.licence,
        original=Derivation.objects.filter(target_page=source).filter(kind=DerivationKind.VERBATIM).first(),
    )
    link = module_link_make(
        plan,
        source_course=course_link.source_course,
        credits=queries.public_credits_of(course_link.source_course) if course_link.source_course else [],
        links=list(Derivation.objects.filter(target_page=source).adaptations()),
        user=user,
        target_page=translation,
        target_course=course_link.target_course,
        part_of=course_link,
    )
    link.save()
    return link
