"""/healthz answers while the process lives; /readyz says whether database, cache, broker and migrations are ready."""

import uuid

import pytest
from celery import current_app
from django.urls import reverse

from p2pu.core import monitoring


def test_healthz_answers_without_touching_the_database(client):
    # No database fixture: any query would raise.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def own_queue():
    """A default queue of this test's own: a shared broker may hold other runs' messages."""
    original = current_app.conf.task_default_queue
    current_app.conf.task_default_queue = f"readyz-test-{uuid.uuid4().hex}"
    yield
    current_app.conf.task_default_queue = original


def test_readyz_reports_every_check_ready(client, db, own_queue):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "broker", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["tasks"]["queue_length"] == 0
    assert body["tasks"]["failures_last_hour"] == 0


def test_readyz_is_503_with_the_failing_check_named(client, db, monkeypatch):
    def broker_down():
        raise ConnectionRefusedError("broker refused the connection")

    monkeypatch.setitem(monitoring.READINESS_CHECKS, "broker", broker_down)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["broker"] == {
        "ok": False,
        "error": "ConnectionRefusedError: broker refused the connection",
        "ms": body["checks"]["broker"]["ms"],
    }
    assert body["checks"]["database"]["ok"]


def test_readyz_is_503_while_migrations_are_unapplied(client, db, monkeypatch):
    monkeypatch.setattr(monitoring, "_migrations_applied", False)
    unapplied = [(type("Migration", (), {"app_label": "cohorts", "name": "0099_new"})(), False)]
    monkeypatch.setattr(monitoring.MigrationExecutor, "migration_plan", lambda self, targets: unapplied)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["error"] == "RuntimeError: 1 unapplied, first: cohorts.0099_new"


@pytest.mark.django_db(databases=[])
def test_readyz_without_a_database_is_not_ready(client, monkeypatch):
    def database_down():
        raise OSError("could not connect to server")

    monkeypatch.setitem(monitoring.READINESS_CHECKS, "database", database_down)
    monkeypatch.setitem(monitoring.READINESS_CHECKS, "migrations", lambda: None)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_a_failed_task_shows_in_readyz(client, db):
    from celery import shared_task

    @shared_task(name="tests.failing_task")
    def failing_task():
        raise ValueError("the mail server said no")

    # As a worker runs it: the error is recorded, not raised into the caller.
    result = failing_task.apply(throw=False)
    assert result.failed()
    failures = monitoring.task_failures_recent()
    assert failures[0]["task"] == "tests.failing_task"
    assert failures[0]["error"] == "ValueError: the mail server said no"
    assert client.get(reverse("readyz")).json()["tasks"]["failures_last_hour"] == 1
