"""A broker that is down when the caller's transaction commits is logged; what the caller wrote stays."""

import logging
from unittest import mock

from p2pu.notifications import services, tasks
from p2pu.notifications.models import Notification


def test_a_failed_enqueue_is_logged_and_the_notification_kept(
    db, user, notification_kinds, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(tasks.send_notification_email, "delay", side_effect=ConnectionError("broker down")),
        caplog.at_level(logging.ERROR, logger="django.db.backends.base"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = services.notification_send(
            recipient=user, kind="test.ping", title="Seat free", dedupe_key="after-commit-failure"
        )
    assert Notification.objects.filter(pk=notification.pk, email_state=Notification.EmailState.PENDING).exists()
    assert "queue p2pu.notifications.tasks.send_notification_email" in caplog.text
