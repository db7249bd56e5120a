"""A course's sources outside this site, and how a work describes what it changed in a source."""

from django.core.exceptions import ValidationError
from django.db import transaction

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
    )


def derivation_changes_set(*, derivation: Derivation, changes: str) -> Derivation:
    """How the work changed this source, as its attribution line says."""
    derivation.changes = changes.strip()
    derivation.save(update_fields=["changes"])
    return derivation
