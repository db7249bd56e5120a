"""Several processes deliver the same notification at the same instant: exactly one e-mail goes out.

Runs on PostgreSQL (CI's database), where each process has its own connection and the claim (one
conditional UPDATE, pending → sending) decides who sends. A check followed by an update would let two
processes both read "pending" and both send; these rounds make them try, many times over.
"""

import multiprocessing
import traceback

import pytest
from django.core import mail
from django.db import connection, connections

from p2pu.notifications.models import Notification
from p2pu.notifications.services import notification_email_deliver
from tests.p2pu.notifications.conftest import PING

pytestmark = [pytest.mark.postgres, pytest.mark.forks, pytest.mark.django_db(transaction=True)]

SENDERS = 6
ROUNDS = 12


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(f"races need PostgreSQL's concurrent writers; this run uses {connection.vendor} (set DATABASE_URL)")


def deliver_all(notification_ids, start, results):
    """One process: at each round's start, deliver that round's notification; report what it sent, or
    how it failed (a process that dies silently would leave the others waiting)."""
    mail.outbox = []
    try:
        for notification_id in notification_ids:
            start.wait(timeout=60)
            notification_email_deliver(notification_id=notification_id)
        results.put(("sent", [message.subject for message in mail.outbox]))
    except BaseException:
        start.abort()
        results.put(("failed", traceback.format_exc()))
    finally:
        connections.close_all()


def test_concurrent_deliveries_of_one_notification_send_one_email(require_postgres, user, mailoutbox):
    notifications = [
        Notification.objects.create(recipient=user, kind=PING, title=f"Round {n}", dedupe_key=f"race-{n}")
        for n in range(ROUNDS)
    ]
    ids = [notification.pk for notification in notifications]
    # Forked processes inherit the test settings (the test database's name) and open their own connections.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(SENDERS), context.Queue()
    senders = [context.Process(target=deliver_all, args=(ids, start, results)) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    reports = [results.get(timeout=180) for _ in senders]
    assert [report for outcome, report in reports if outcome == "failed"] == []
    sent = [subject for _, subjects in reports for subject in subjects]
    for sender in senders:
        sender.join(timeout=30)
        assert sender.exitcode == 0

    assert sorted(sent) == sorted(f"Round {n}" for n in range(ROUNDS))
    assert set(Notification.objects.filter(pk__in=ids).values_list("email_state", flat=True)) == {"sent"}
