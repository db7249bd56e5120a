"""A request id: taken from X-Request-ID or made up, returned, written on log lines, carried into tasks."""

import json
import logging

import pytest
from celery import shared_task
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from p2pu.core import request_ids

seen_in_task = []


@shared_task(name="tests.request_id_probe")
def request_id_probe():
    seen_in_task.append(request_ids.request_id_current())


def test_an_incoming_request_id_is_returned(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-1234.abc"})
    assert response["X-Request-ID"] == "lb-1234.abc"


@pytest.mark.parametrize("incoming", [None, "", "has spaces", "x" * 200, "new\nline"])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    first = client.get(reverse("healthz"), headers=headers)["X-Request-ID"]
    second = client.get(reverse("healthz"), headers=headers)["X-Request-ID"]
    assert len(first) == 32 and first != second
    assert first != incoming


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("lc.test", logging.INFO, __file__, 1, "seat taken", None, None)
    token = request_ids._current.set("req-42")
    try:
        request_ids.RequestIdLogFilter().filter(record)
    finally:
        request_ids._current.reset(token)
    line = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    ).format(record)
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "lc.test",
        "message": "seat taken",
        "request_id": "req-42",
    }


def test_the_request_id_goes_into_the_task_message_headers():
    headers = {}
    token = request_ids._current.set("req-7")
    try:
        request_ids._request_id_into_task_headers(headers=headers)
    finally:
        request_ids._current.reset(token)
    assert headers == {"request_id": "req-7"}


def test_a_task_runs_under_the_request_id_of_its_message():
    seen_in_task.clear()
    request_id_probe.apply(headers={"request_id": "req-from-web"})
    assert seen_in_task == ["req-from-web"]
    assert request_ids.request_id_current() == ""


def test_an_eager_task_keeps_the_request_id_of_the_request_running_it():
    seen_in_task.clear()
    token = request_ids._current.set("req-eager")
    try:
        request_id_probe.delay()
        assert request_ids.request_id_current() == "req-eager"
    finally:
        request_ids._current.reset(token)
    assert seen_in_task == ["req-eager"]


def test_a_task_queued_outside_a_request_gets_an_id_of_its_own():
    seen_in_task.clear()
    request_id_probe.apply()
    assert len(seen_in_task[0]) == 32
