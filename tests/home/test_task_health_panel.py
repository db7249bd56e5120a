"""Site editors see the Celery queue and recent task failures on the Wagtail dashboard; course authors don't."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from p2pu.core import monitoring
from tests.courses.authoring_setup import course_maintainer, site_editor, started_course


@pytest.fixture
def failed_task(db):
    monitoring.task_failure_record(
        task_name="p2pu.notifications.tasks.send_notification_email",
        task_id="t-1",
        error=ConnectionRefusedError("mail server down"),
        at=timezone.now() - dt.timedelta(minutes=5),
    )
    yield
    cache.delete(monitoring.FAILURES_KEY)


def test_a_site_editor_sees_the_queue_and_the_failure(client, site_tree, failed_task):
    client.force_login(site_editor())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Background tasks" in html
    assert "Tasks failed in the past hour" in html
    assert "p2pu.notifications.tasks.send_notification_email" in html
    assert "ConnectionRefusedError: mail server down" in html


def test_a_course_author_in_the_admin_does_not_see_it(client, site_tree, failed_task):
    course = started_course()
    client.force_login(course_maintainer(course))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Background tasks" not in response.content.decode()
