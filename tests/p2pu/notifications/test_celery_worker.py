"""A real Celery worker on a real Redis broker sends a notification e-mail exactly once.

The unit tests run tasks eagerly; this one proves the path they skip: the task message is serialised,
goes through Redis, and a worker (in a thread of this process, so it shares the test database and the
test mail outbox) fetches the notification by id and delivers it — and a duplicate message sends nothing.
"""

import os
import threading
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from p2pu.celery import app as project_app
from p2pu.notifications import services, tasks
from p2pu.notifications.models import Notification

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this test needs a real Redis broker."),
]


@pytest.fixture
def redis_worker():
    """A worker consuming a queue of its own, so concurrent test runs on the same Redis can't steal its tasks."""
    queue = f"notifications-test-{uuid.uuid4().hex}"
    app = Celery("notifications-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue)
    try:
        # start_worker makes this app the current one, so the project's shared tasks publish to it.
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
        project_app.set_current()
        project_app.set_default()


def test_a_real_worker_sends_the_email_once(transactional_db, redis_worker, user, mailoutbox, notification_kinds):
    finished = []
    worker_threads = set()
    all_finished = threading.Event()

    def count_finished(sender=None, **kwargs):
        if sender.name == tasks.send_notification_email.name:
            # The worker thread's own connections; the test database can't be dropped while they are open.
            connections.close_all()
            finished.append(kwargs["task_id"])
            worker_threads.add(threading.current_thread())
            if len(finished) == 2:
                all_finished.set()

    task_postrun.connect(count_finished, weak=False)
    try:
        # Autocommit: the on-commit hook publishes the task straight away.
        notification = services.notification_send(
            recipient=user, kind="test.ping", title="A seat opened up", dedupe_key="worker-test"
        )
        # The broker delivers the same message twice (a redelivery, a retry racing a slow first attempt).
        tasks.send_notification_email.delay(notification.pk)
        assert all_finished.wait(timeout=60), f"the worker finished {len(finished)} of 2 tasks"
    finally:
        task_postrun.disconnect(count_finished)

    assert threading.main_thread() not in worker_threads, "the tasks ran eagerly instead of on the worker"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "A seat opened up"
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.SENT
