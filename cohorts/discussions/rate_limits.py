"""A small fixed-window rate limiter on Django's cache, for actions that reach other people.

``RateLimit("discussion.post", setting="DISCUSSION_POST_RATE")`` with that setting at ``(20, 600)``
allows 20 hits per ten minutes per key (read at each use, so a changed setting applies at once); the key is
whoever the limit is about (the sender, or the recipient). ``hit`` counts and answers whether the
action may go ahead; ``check`` answers without counting. The cache is shared by every worker when
Redis is configured; with the local-memory cache each process counts on its own, which errs on the
side of letting people talk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

RATE_LIMITED = "rate_limited"


class RateLimited(ValidationError):
    """A refusal a form shows like any other (code ``rate_limited``); JSON views answer it with HTTP 429."""

    def __init__(self, message, *, retry_after: int):
        super().__init__(message, code=RATE_LIMITED)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateLimit:
    name: str
    #: The name of the setting holding (how many, per how many seconds).
    setting: str

    @property
    def limit(self) -> tuple[int, int]:
        return getattr(settings, self.setting)

    def _key(self, subject: object) -> tuple[str, int]:
        count, seconds = self.limit
        window = int(time.time() // seconds)
        return f"ratelimit:{self.name}:{subject}:{window}", seconds - int(time.time() % seconds)

    def check(self, subject: object) -> bool:
        key, _ = self._key(subject)
        return (cache.get(key) or 0) < self.limit[0]

    def hit(self, subject: object) -> bool:
        """Count one action by (or for) ``subject``; False once the window's allowance is used up."""
        key, remaining = self._key(subject)
        # add() is atomic: the first hit in a window creates the counter, the others increment it.
        if cache.add(key, 1, timeout=remaining + 1):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=remaining + 1)
            return True
        return count <= self.limit[0]

    def seconds_left(self, subject: object) -> int:
        return self._key(subject)[1]

    def require(self, subject: object, message=None) -> None:
        """Count a hit, and raise ``RateLimited`` with a message saying when to try again if it is one too many."""
        if not self.hit(subject):
            minutes = max(1, round(self.seconds_left(subject) / 60))
            wait = ngettext(
                "Please wait %(minutes)d minute and try again.",
                "Please wait %(minutes)d minutes and try again.",
                minutes,
            ) % {"minutes": minutes}
            raise RateLimited(
                f"{message or _('You have done that a lot in a short time.')} {wait}",
                retry_after=self.seconds_left(subject),
            )
