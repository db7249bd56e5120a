"""A course's sources outside this site, and how a work describes what it changed in a source.

Both are the authors' word alone, so neither goes public on its own: they wait for the page's next
publish, which for a course's authors goes through review (``derivations_review_publish``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ...derivations import sources_of
from ...licensing import Licence, Source, resolve_licences
from ...models import CoursePage
from ...models.remix import Derivation, DerivationKind
from ...validators import validate_web_url
from .copying import refuse_unless_resolved


@transaction.atomic
def external_source_add(
    *, target, user, url: str, title: str, author: str, licence: str, kind: str = DerivationKind.ADAPTATION
) -> Derivation:
    """Record that a course or module draws on a work elsewhere on the web, with its TASL details.
    Its attribution goes public with the page's next publish."""
    errors = {}
    try:
        validate_web_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    if not title.strip():
        errors["title"] = _("Give the work's title, as its authors give it.")
    if licence not in Licence._value2member_map_:
        errors["licence"] = _("Choose the licence the work is published under.")
    if errors:
        raise ValidationError(errors)
    course = target if isinstance(target, CoursePage) else CoursePage.objects.ancestor_of(target).get()
    existing = sources_of(Derivation.objects.of_course(course))
    refuse_unless_resolved(resolve_licences([*existing, Source(licence=licence, kind=kind, title=title.strip())]))
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
        awaiting_review=True,
    )


def derivation_changes_set(*, derivation: Derivation, changes: str) -> Derivation:
    """How the work changed this source, for its attribution line from the page's next publish on."""
    derivation.pending_changes = changes.strip()
    derivation.changes_pending_since = timezone.now()
    derivation.save(update_fields=["pending_changes", "changes_pending_since"])
    return derivation


def derivations_review_publish(*, page, revision) -> int:
    """``page`` was published with ``revision``: its sources and descriptions of changes that were
    waiting, and were there when the revision was saved (so when it was submitted for review), go
    public. Those added later wait for the next publish. Returns how many links changed."""
    links = Derivation.objects.filter(target_page=page)
    if revision is not None:
        cutoff = revision.created_at
        sources = links.filter(awaiting_review=True, created_at__lte=cutoff)
        changes = links.filter(changes_pending_since__lte=cutoff)
    else:
        sources = links.filter(awaiting_review=True)
        changes = links.filter(changes_pending_since__isnull=False)
    published = sources.update(awaiting_review=False)
    published += changes.update(changes=F("pending_changes"), pending_changes="", changes_pending_since=None)
    return published
