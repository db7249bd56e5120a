"""Two beats started against one Redis: only the lock holder sends the schedule; the other takes over when it stops."""

import os
import time
import uuid

import pytest
from celery import Celery

from p2pu.core.beat import SingleBeatScheduler

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the beat lock lives in Redis."),
]


class RecordingScheduler(SingleBeatScheduler):
    """Records the jobs it would send instead of publishing them."""

    def __init__(self, *args, **kwargs):
        self.sent = []
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        self.sent.append(entry.name)


@pytest.fixture
def beat_app(settings, tmp_path):
    settings.BEAT_LOCK_URL = REDIS_URL
    settings.BEAT_LOCK_KEY = f"test-beat-lock-{uuid.uuid4().hex}"
    settings.BEAT_LOCK_SECONDS = 3
    app = Celery("beat-lock-test", set_as_current=False)
    app.conf.update(broker_url="memory://", beat_schedule={"sweep": {"task": "tests.sweep", "schedule": 0.01}})
    return app


def beat_start(app, tmp_path, name):
    return RecordingScheduler(app=app, schedule_filename=str(tmp_path / f"{name}-schedule"), lazy=False)


def ticks(scheduler, count=5):
    # Each tick comes after the 0.01 s schedule is due again, however fast the machine.
    for _ in range(count):
        time.sleep(0.02)
        scheduler.tick()


def test_only_the_beat_holding_the_lock_sends(beat_app, tmp_path):
    first = beat_start(beat_app, tmp_path, "first")
    second = beat_start(beat_app, tmp_path, "second")
    try:
        ticks(first)
        standby_wait = second.tick()
        ticks(second)
        assert first.holding and not second.holding
        assert "sweep" in first.sent
        assert second.sent == []
        assert standby_wait == second.standby_seconds
    finally:
        first.close()
        second.close()


def test_the_standby_beat_takes_over_when_the_holder_stops(beat_app, tmp_path):
    first = beat_start(beat_app, tmp_path, "first")
    second = beat_start(beat_app, tmp_path, "second")
    try:
        ticks(first)
        ticks(second)
        first.close()
        ticks(second)
        assert second.holding
        assert "sweep" in second.sent
    finally:
        second.close()


def test_a_killed_holder_is_replaced_once_its_lock_runs_out(beat_app, tmp_path, settings):
    settings.BEAT_LOCK_SECONDS = 1
    first = beat_start(beat_app, tmp_path, "first")
    second = beat_start(beat_app, tmp_path, "second")
    try:
        ticks(first)
        # The first beat is killed: it never releases the lock; the lock's own expiry hands the schedule over.
        assert second.lock_hold() is False
        time.sleep(1.2)
        assert second.lock_hold() is True
        ticks(second)
        assert "sweep" in second.sent
    finally:
        second.close()


def test_the_sleep_between_ticks_is_shorter_than_the_lock(beat_app, tmp_path):
    scheduler = beat_start(beat_app, tmp_path, "only")
    try:
        assert scheduler.max_interval <= scheduler.lock_seconds / 3
    finally:
        scheduler.close()
