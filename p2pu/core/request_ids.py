"""A request id on every log line, from the web request into the Celery tasks it queues.

The id comes from the incoming ``X-Request-ID`` header (a load balancer's or proxy's) when it is a sane
token, otherwise it is generated; the response returns it in the same header. Tasks queued while a
request (or a task) runs carry it in their message headers, and the worker sets it again while the task
runs, so one id ties a request to all the work it caused.
"""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
#: The Celery message header that carries the id.
TASK_HEADER = "request_id"
# Anything else in the header is replaced: the id is written into every log line.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_current = contextvars.ContextVar("request_id", default="")


def request_id_current() -> str:
    """The id of the request or task running in this context ("" outside both)."""
    return _current.get()


def request_id_from_header(value: str | None) -> str:
    if value and _ACCEPTED.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request id for the request's duration and returns it in the response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from_header(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


@before_task_publish.connect(dispatch_uid="request-id-publish")
def _request_id_into_task_headers(headers=None, **kwargs):
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="request-id-prerun")
def _request_id_from_task_headers(task_id=None, task=None, **kwargs):
    # An eager task keeps the id of the request running it; one queued outside any request (the beat's
    # jobs) gets an id of its own.
    # A worker puts a message's own headers on the task's request; apply(headers=...) keeps them apart.
    request = task.request
    carried = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    request_id = carried or _current.get()
    request_id = request_id_from_header(request_id)
    _task_tokens[task_id] = _current.set(request_id)


@task_postrun.connect(dispatch_uid="request-id-postrun")
def _request_id_cleared(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _current.reset(token)
