"""Exactly one Celery beat sends the schedule, however many are started: they share a lock in Redis.

A beat that holds the lock sends due jobs and renews the lock on every tick; any other waits on standby,
trying for the lock every few seconds, and takes over within ``BEAT_LOCK_SECONDS`` of the holder
stopping (at once when it stops cleanly and releases the lock). Without Redis (one machine, the
filesystem broker) there is nothing to share and beat runs unlocked.

The schedule's jobs are idempotent sweeps, so a job that a beat taking over sends early (its own
schedule file has older last-run times) does no harm.
"""

import logging

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock_seconds = settings.BEAT_LOCK_SECONDS
        # The lock must outlive the longest sleep between two ticks, or a sleeping holder would lose it.
        self.max_interval = min(self.max_interval, self.lock_seconds / 3)
        self.standby_seconds = min(5.0, self.lock_seconds / 3)
        self.holding = False
        self._lock = None
        if settings.BEAT_LOCK_URL:
            client = redis.Redis.from_url(settings.BEAT_LOCK_URL)
            self._lock = client.lock(settings.BEAT_LOCK_KEY, timeout=self.lock_seconds, thread_local=False)

    def lock_hold(self) -> bool:
        """True while this beat holds the lock (taking it when free, renewing it when held)."""
        if self._lock is None:
            return True
        if self.holding:
            try:
                self._lock.reacquire()
            except redis.exceptions.LockError:
                logger.warning("beat lost its lock; standing by")
                self.holding = False
        else:
            self.holding = bool(self._lock.acquire(blocking=False))
            if self.holding:
                logger.info("beat took the lock; sending the schedule")
        return self.holding

    def tick(self, *args, **kwargs):
        if not self.lock_hold():
            return self.standby_seconds
        return super().tick(*args, **kwargs)

    def close(self):
        if self._lock is not None and self.holding:
            try:
                self._lock.release()
            except redis.exceptions.LockError:
                logger.warning("beat's lock had already expired when it stopped")
            self.holding = False
        super().close()
