"""A real Celery worker killed mid-send: the e-mail stays "sending" until the sweep queues it again, and
then a second real worker sends it exactly once.

The workers are separate processes (forked from this one, so they share its settings and test database)
consuming a queue of their own on a real Redis broker. It needs PostgreSQL: SQLite's test database lives
in this process's memory, out of the workers' reach.
"""

import datetime as dt
import multiprocessing
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings

from p2pu.celery import app as project_app
from p2pu.notifications import tasks
from p2pu.notifications.models import Notification
from p2pu.notifications.services.stalled import stalled_emails_requeue
from tests.p2pu.notifications.conftest import PING

REDIS_URL = os.environ.get("REDIS_URL", "")
STALLED_AFTER = 15 * 60

pytestmark = [
    pytest.mark.forks,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this test needs a real Redis broker."),
]


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(f"the workers need a database they can reach; this run uses {connection.vendor}")


def run_worker(queue: str, email_backend: str, email_dir: str) -> None:
    """A forked process: a real worker on the queue, sending e-mail through ``email_backend``."""
    settings.EMAIL_BACKEND = email_backend
    settings.EMAIL_FILE_PATH = email_dir
    app = Celery("stalled-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
    app.set_current()
    app.worker_main(
        ["worker", "--pool=solo", f"--queues={queue}", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    )


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def queue(monkeypatch):
    """This test's own queue, which this process publishes to instead of running tasks eagerly."""
    name = f"stalled-test-{uuid.uuid4().hex}"
    monkeypatch.setitem(project_app.conf, "task_always_eager", False)
    monkeypatch.setitem(project_app.conf, "task_default_queue", name)
    yield name
    with project_app.connection_for_write() as broker:
        broker.default_channel.queue_delete(name)


def test_an_email_whose_worker_was_killed_mid_send_goes_out_once(
    require_postgres, transactional_db, user, queue, tmp_path, notification_kinds
):
    hanging_dir, mail_dir = tmp_path / "hanging", tmp_path / "sent"
    hanging_dir.mkdir()
    mail_dir.mkdir()
    notification = Notification.objects.create(recipient=user, kind=PING, title="Your seat", dedupe_key="killed")
    context = multiprocessing.get_context("fork")

    first = context.Process(
        target=run_worker, args=(queue, "tests.p2pu.notifications.stalling_mail.HangingEmailBackend", str(hanging_dir))
    )
    connections.close_all()  # a forked worker must not share, and close, this process's connection
    first.start()
    try:
        tasks.send_notification_email.delay(notification.pk)
        wait_for((hanging_dir / "sending-started").exists, timeout=90, what="the first worker to start sending")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.join(timeout=30)
    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.SENDING

    second = context.Process(
        target=run_worker, args=(queue, "django.core.mail.backends.filebased.EmailBackend", str(mail_dir))
    )
    connections.close_all()
    second.start()
    try:
        sweep_at = notification.email_claimed_at + dt.timedelta(seconds=STALLED_AFTER + 1)
        with override_settings(NOTIFICATION_EMAIL_STALLED_AFTER=STALLED_AFTER):
            assert stalled_emails_requeue(now=sweep_at - dt.timedelta(seconds=2)) == 0
            assert stalled_emails_requeue(now=sweep_at) == 1

            def sent():
                return Notification.objects.get(pk=notification.pk).email_state == Notification.EmailState.SENT

            wait_for(sent, timeout=90, what="the second worker to send the e-mail")
            assert stalled_emails_requeue(now=sweep_at + dt.timedelta(hours=1)) == 0
    finally:
        os.kill(second.pid, signal.SIGTERM)
        second.join(timeout=60)
        if second.is_alive():
            os.kill(second.pid, signal.SIGKILL)
    messages = list(Path(mail_dir).iterdir())
    assert len(messages) == 1
    assert "Subject: Your seat" in messages[0].read_text()
