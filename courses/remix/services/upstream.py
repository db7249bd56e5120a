"""Taking over what a source published after it was copied, as a new draft of the copy."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from ...derivations import sources_of
from ...licensing import Source, resolve_licences
from ...models import CoursePage
from ...models.remix import Derivation
from ...permissions import is_public
from .. import queries
from .copying import (
    COURSE_UPSTREAM_FIELDS,
    MODULE_CONTENT_FIELDS,
    content_fields,
    refuse_unless_resolved,
    rubric_copies_of,
    rubric_ids_in,
    rubrics_copy,
    rubrics_point_to_copies,
    stream_data,
)


def upstream_revision(derivation: Derivation) -> Revision | None:
    """The source's published revision the target has not taken over yet, if there is one.

    Only while the source is public: a source made private since keeps its new text to its readers.
    """
    source = derivation.source_page
    if source is None or not source.live or source.live_revision_id in (None, derivation.taken_revision_id):
        return None
    if not is_public(source):
        return None
    return source.live_revision


@transaction.atomic
def upstream_changes_take(*, derivation: Derivation, user) -> Revision:
    """Copy the source's newest published content into the target as a new draft revision (nothing
    is published), and remember which source revision was taken over."""
    derivation = Derivation.objects.select_for_update().get(pk=derivation.pk)
    # While a version is under review it stays as submitted: a new revision would slip unreviewed
    # content in beside it. The page row lock orders this against a submission in flight.
    target_page = Page.objects.select_for_update().get(pk=derivation.target_page_id)
    if target_page.workflow_in_progress or target_page.locked:
        raise ValidationError(
            _("“%(title)s” is under review. Take the source's changes after the review ends.")
            % {"title": target_page.title}
        )
    revision = upstream_revision(derivation)
    if revision is None:
        raise ValidationError(_("There are no new changes in the source to take over."))
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
    others = sources_of(Derivation.objects.of_course(course).exclude(pk=derivation.pk))
    refuse_unless_resolved(
        resolve_licences([*others, Source(licence=new_licence, kind=derivation.kind, title=source.title)])
    )

    fields = content_fields(type(target), content, names)
    if "body" in fields:
        copies = rubrics_copy(
            rubric_ids=rubric_ids_in(fields["body"]),
            course=course,
            user=user,
            copies=rubric_copies_of(Derivation.objects.of_course(course)),
        )
        fields["body"] = rubrics_point_to_copies(fields["body"], copies)
        used = rubric_ids_in(stream_data(content.get("body")))
        derivation.rubric_copies = {str(key): copies[key] for key in used if key in copies}
    for name, value in fields.items():
        setattr(target, name, value)
    if derivation.is_verbatim:
        target.licence = new_licence
    # Kept with the page, in the language of the person who took the changes over.
    if content.get("change_note"):
        target.change_note = _("Took over the changes published in “%(title)s”: %(note)s") % {
            "title": source.title,
            "note": content["change_note"],
        }
    else:
        target.change_note = _("Took over the changes published in “%(title)s”") % {"title": source.title}
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
