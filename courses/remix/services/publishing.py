"""What a published course or module means for the works derived from it, and for its own sources."""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from p2pu.notifications.services import notifications_send_many

from ... import notification_kinds
from ...models.remix import Derivation
from ...permissions import is_public, maintainers_of


def published_changes_record(*, page, revision) -> int:
    """A derived page was published: its change note becomes the description of its changes on the
    links that have none yet. Returns how many links it describes."""
    note = (revision.content.get("change_note") or "").strip()
    if not note:
        return 0
    return Derivation.objects.filter(target_page=page, changes="").adaptations().update(changes=note)


def upstream_published_notify(*, page, revision) -> list:
    """The maintainers of every course derived from ``page`` hear that it has a new version, with a link
    to what changed. Once per derivation and source revision; nothing for a private page, whose new
    text is for its own readers only."""
    if not is_public(page):
        return []
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
            title=format_lazy(
                _("“{source}” has a new version: see what changed for “{target}”"),
                source=page.title,
                target=link.target_page.title,
            ),
            body=format_lazy(_("Its note: {note}"), note=note) if note else "",
            url=reverse("courses:remix_upstream", args=[link.pk]),
            actor=revision.user,
            dedupe_key=f"course.upstream:{link.pk}:{revision.pk}",
        )
    return sent
