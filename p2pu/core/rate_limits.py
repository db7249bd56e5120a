"""A small fixed-window rate limiter on Django's cache, for every action that reaches other people.

``RateLimit("discussion.post", setting="DISCUSSION_POST_RATE")`` with that setting at ``(20, 600)``
allows 20 hits per ten minutes per key (read at each use, so a changed setting applies at once); the key is
whoever the limit is about (the sender, or the recipient). ``hit`` counts and answers whether the
action may go ahead; ``check`` answers without counting. The cache is shared by every worker when
Redis is configured; with the local-memory cache each process counts on its own, which errs on the
side of letting people talk. allauth's own rate limits (sign-in, sign-up, password reset) count in the
same default cache.

``Quota`` pairs a limit with its subject and the words of its refusal; ``quotas_require`` lets an action
go ahead only when every quota it touches has room (a sender's and each recipient's), and counts it
against all of them. ``Cooldown`` keeps a subject waiting after a refusal, e.g. a declined invitation.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

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

    def refusal(self, subject: object, message=None) -> RateLimited:
        return _refusal(message or _("You have done that a lot in a short time."), self.seconds_left(subject))

    def require(self, subject: object, message=None) -> None:
        """Count a hit, and raise ``RateLimited`` with a message saying when to try again if it is one too many."""
        if not self.hit(subject):
            raise self.refusal(subject, message)


def _refusal(message, seconds: int) -> RateLimited:
    minutes = max(1, round(seconds / 60))
    if minutes < 120:
        wait = ngettext(
            "Please wait %(minutes)d minute and try again.",
            "Please wait %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    else:
        hours = round(minutes / 60)
        wait = ngettext(
            "Please wait %(hours)d hour and try again.",
            "Please wait %(hours)d hours and try again.",
            hours,
        ) % {"hours": hours}
    return RateLimited(f"{message} {wait}", retry_after=seconds)


class Quota(NamedTuple):
    """One limit an action counts against: whose allowance it is, and what a refusal says."""

    limit: RateLimit
    subject: object
    message: object = None


def quotas_require(quotas: Iterable[Quota]) -> None:
    """Refuse (``RateLimited``, naming the first quota that is used up) unless every quota has room;
    then count the action against all of them, so a refused action uses up nobody's allowance."""
    quotas = list(quotas)
    for quota in quotas:
        if not quota.limit.check(quota.subject):
            raise quota.limit.refusal(quota.subject, quota.message)
    for quota in quotas:
        quota.limit.require(quota.subject, quota.message)


@dataclass(frozen=True)
class Cooldown:
    """A wait after someone said no: while it runs, the same request to them is refused."""

    name: str
    #: The name of the setting holding the wait in seconds.
    setting: str

    def _key(self, subject: object) -> str:
        return f"cooldown:{self.name}:{subject}"

    def start(self, subject: object) -> None:
        seconds = getattr(settings, self.setting)
        # The value is when the wait ends, so a refusal can say how long is left.
        cache.set(self._key(subject), time.time() + seconds, timeout=seconds)

    def seconds_left(self, subject: object) -> int:
        ends = cache.get(self._key(subject))
        return max(0, int(ends - time.time())) if ends else 0

    def require(self, subject: object, message) -> None:
        seconds = self.seconds_left(subject)
        if seconds > 0:
            raise _refusal(message, seconds)
