"""Recording many notifications at once: what every scheduled job uses.

A job hands over drafts (one per recipient and event). Per chunk this costs a handful of queries whatever
the chunk's size: the pairs already recorded, the recipients' preferences, one multi-row INSERT, the new
rows' ids; and one queued task per ``NOTIFICATION_EMAIL_BATCH`` e-mails instead of one per e-mail.

Exactly once still holds: the database's unique (recipient, dedupe_key) constraint drops a pair recorded
meanwhile by another run (``ON CONFLICT DO NOTHING``), and the delivery side claims each row before sending, so
an e-mail queued twice in such a race still goes out once.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import Truncator

from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.locales import person_language

from .. import kinds
from ..kinds import ALL_KINDS
from ..models import Notification, NotificationPreference
from .preferences import email_frequency, email_state_for

EmailState = Notification.EmailState
TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length
#: Rows per INSERT and per IN list: bounded statements, one transaction per chunk.
BULK_CHUNK = 500


@dataclass(frozen=True)
class NotificationDraft:
    """One notification to record: ``recipient`` is a user object (its is_active, email and
    preferred_language are read). ``title`` and ``body`` may be lazy translations, and ``language`` the
    language for a recipient who chose none, as for ``notification_send``."""

    recipient: object
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""
    actor: object = None
    language: str = ""


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _preferences_by_user(drafts: list[NotificationDraft]) -> dict[int, dict[str, str]]:
    """Each recipient's chosen frequencies for the kinds in these drafts (and their all-kinds cap), one query."""
    preferences: dict[int, dict[str, str]] = defaultdict(dict)
    rows = NotificationPreference.objects.filter(
        user_id__in={draft.recipient.pk for draft in drafts},
        kind__in={draft.kind for draft in drafts} | {ALL_KINDS},
    ).values_list("user_id", "kind", "frequency")
    for user_id, kind, frequency in rows:
        preferences[user_id][kind] = frequency
    return preferences


def _recorded_among(drafts: Iterable[NotificationDraft], **filters) -> dict[tuple[int, str], int]:
    """The ids of rows already recorded for these drafts' (recipient, dedupe key) pairs, by pair.

    One query on the keys and the recipients, narrowed to the exact pairs here: cheaper than one OR per pair.
    """
    pairs = {(draft.recipient.pk, draft.dedupe_key) for draft in drafts}
    rows = Notification.objects.filter(
        dedupe_key__in={key for _, key in pairs}, recipient_id__in={pk for pk, _ in pairs}, **filters
    ).values_list("recipient_id", "dedupe_key", "pk")
    return {(recipient_id, key): pk for recipient_id, key, pk in rows if (recipient_id, key) in pairs}


def _title_fitted(title: str) -> str:
    # Truncator is slow next to the insert; most titles fit as they are.
    return title if len(title) <= TITLE_MAX_LENGTH else Truncator(title).chars(TITLE_MAX_LENGTH)


_INSERTED_FIELDS = (
    "recipient",
    "kind",
    "title",
    "body",
    "url",
    "actor",
    "created_at",
    "dedupe_key",
    "email_state",
    "language",
)


def _texts(draft: NotificationDraft) -> tuple[str, str]:
    """The draft's title and body written out in its recipient's language (plain strings pass through)."""
    if isinstance(draft.title, str) and isinstance(draft.body, str):
        return draft.title, draft.body
    with translation.override(person_language(draft.recipient, hint=draft.language)):
        return str(draft.title), str(draft.body)


def _insert_ignoring_conflicts(rows: list[tuple]) -> None:
    """One statement for many rows, skipping pairs recorded meanwhile (the unique recipient and dedupe key).

    ``bulk_create`` prepares every value of every row through its field, which costs more than the insert
    itself at this size; these values are plain already. Both SQLite and PostgreSQL take ON CONFLICT.
    """
    meta = Notification._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in _INSERTED_FIELDS)
    placeholders = ", ".join(["%s"] * len(_INSERTED_FIELDS))
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING",  # noqa: S608
            rows,
        )


def _chunk_record(drafts: list[NotificationDraft]) -> tuple[int, list[int]]:
    """Record one chunk; returns how many rows are new and the ids of those to e-mail at once."""
    seen = _recorded_among(drafts)
    fresh: dict[tuple[int, str], NotificationDraft] = {}
    for draft in drafts:
        pair = (draft.recipient.pk, draft.dedupe_key)
        if pair not in seen and pair not in fresh:
            fresh[pair] = draft
    if not fresh:
        return 0, []
    preferences = _preferences_by_user(list(fresh.values()))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    _insert_ignoring_conflicts(
        [
            (
                draft.recipient.pk,
                draft.kind,
                _title_fitted(title),
                body,
                draft.url,
                getattr(draft.actor, "pk", None),
                now,
                draft.dedupe_key,
                email_state_for(
                    recipient=draft.recipient,
                    frequency=email_frequency(
                        user=draft.recipient, kind=draft.kind, preferences=preferences.get(draft.recipient.pk, {})
                    ),
                ),
                draft.language,
            )
            for draft in fresh.values()
            for title, body in (_texts(draft),)
        ]
    )
    # The ids to e-mail, read back by their pairs: a conflicting INSERT leaves no id to learn.
    to_email = sorted(_recorded_among(fresh.values(), email_state=EmailState.PENDING).values())
    return len(fresh), to_email


def notifications_bulk_send(*, drafts: Iterable[NotificationDraft]) -> int:
    """Record every draft not already recorded for its recipient; returns how many are new.

    Each recipient's preferences decide their e-mail as ``notification_send`` does (immediately, in the
    daily digest, or not at all); the e-mails to send at once are queued after commit in batches.
    """
    recorded = 0
    for chunk in _chunked(drafts, BULK_CHUNK):
        # Fails loudly on a misspelt kind rather than recording something no preference can switch off.
        for kind in {draft.kind for draft in chunk}:
            kinds.get(kind)
        with transaction.atomic():
            count, to_email = _chunk_record(chunk)
            recorded += count
            for batch in _chunked(to_email, settings.NOTIFICATION_EMAIL_BATCH):
                enqueue_after_commit("p2pu.notifications.tasks.send_notification_emails", batch)
    return recorded
