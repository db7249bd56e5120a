"""Telling people about conversations on their work and decisions on its score: per-recipient limits and languages.

Each notice is built per language (the recipient's own, where the site speaks it) and sent to a
whole group in one bulk call, with a dedupe key naming the event, so digests gather them and a retry
never sends twice. ``REVIEW_NOTIFY_RATE`` caps how many of these one person receives; beyond it they
are dropped (everything still shows on the site).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import translation

from cohorts.discussions.services.common import language_of
from p2pu.core.rate_limits import RateLimit
from p2pu.notifications.services import notifications_send_many

RECEIVING = RateLimit("review.notify", setting="REVIEW_NOTIFY_RATE")


def notices_send(
    *,
    recipients: Iterable,
    kind: str,
    title: Callable[[], str],
    body: Callable[[], str],
    url: str,
    dedupe_key: str,
    actor=None,
) -> int:
    """Send one notice to each recipient within their limit; ``title`` and ``body`` are called in each
    recipient's language. Returns how many were recorded."""
    groups: dict[str, list] = {}
    seen: set[int] = set()
    for person in recipients:
        if person.pk in seen or not RECEIVING.hit(person.pk):
            continue
        seen.add(person.pk)
        groups.setdefault(language_of(person), []).append(person)
    sent = 0
    for language, people in groups.items():
        with translation.override(language):
            sent += len(
                notifications_send_many(
                    recipients=people,
                    kind=kind,
                    title=title(),
                    body=body(),
                    url=url,
                    actor=actor,
                    dedupe_key=dedupe_key,
                )
            )
    return sent
