"""Hostile input to every form of the site, posted by the people the forms are for.

Each of the private world's own people (its facilitator, a learner with work under review, the author of
a draft course) opens every page of the site; every POST form they are shown, and every URL that takes
only POST, becomes a target. Hypothesis then posts random and hostile values to each target: very long
strings, control and bidi characters, HTML and script, SQL-looking text, wrong types, negative and huge
numbers, several values for one field, missing fields. No answer may be a server error, and a post that
is refused (the form shown again, or a 4xx) saves nothing.
"""

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.p2pu.url_filling import path_for, patterns_in, world_ids, writes_in
from tests.p2pu.url_matrix import EXPECTED
from tests.p2pu.wrong_side import private_world

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 6
# What a POST-only URL is sent when no page shows its form: the names the site's forms use.
COMMON_FIELDS = (
    "body",
    "title",
    "text",
    "reason",
    "note",
    "explanation",
    "name",
    "email",
    "subject",
    "message",
    "valid_days",
    "starts_at",
    "rating",
    "helpfulness",
    "licence",
    "licences",
    "role",
    "overall_comment",
    "thread",
    "decision",
)
HOSTILE_WORDS = (
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE auth_user; --",
    "1 OR 1=1",
    "\u202eevil\u202c",
    "\u200f\u2066name\u2069",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\r\nBcc: victim@example.org",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "3.5",
    "2026-13-45",
    "2026-02-30T25:61",
    "null",
    "[]",
    '{"a": 1}',
    "../../etc/passwd",
    "javascript:alert(1)",
    "http://",
    "mailto:",
    "😀" * 60,
)
hostile_value = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(max_size=300),
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
    st.just("x" * 100_000),
)
field_value = st.one_of(hostile_value, st.lists(hostile_value, min_size=2, max_size=3))


@dataclass(frozen=True)
class Target:
    path: str
    fields: tuple


class PostForms(HTMLParser):
    """The POST forms of a page: each one's action and the names of its fields."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[tuple[str, list[str]]] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                self._current = []
                self.forms.append((attributes.get("action") or self.page_path, self._current))
            else:
                self._current = None
        elif tag in ("input", "textarea", "select", "button") and self._current is not None:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self._current:
                self._current.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def site_path(action: str) -> str | None:
    """The action's path when it is a URL of the site's own apps (not the admin), else None."""
    parts = urlsplit(action)
    if parts.netloc and parts.netloc not in ("testserver", "127.0.0.1:8000"):
        return None
    path = parts.path
    if path.startswith(("/admin/", "/django-admin/")):
        return None
    try:
        resolve(path)
    except Resolver404:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def targets_for(client: Client, ids: dict) -> list[Target]:
    """Every POST form the signed-in person is shown on the site, and every POST-only URL."""
    targets: dict[str, tuple] = {}
    for pattern in patterns_in("site"):
        expect = EXPECTED[pattern.route]
        if expect.path:  # the API, documents and Wagtail's page serving take no posts
            continue
        path = path_for(pattern, expect, ids)
        response = client.get(path)
        if response.status_code == 405:
            targets.setdefault(path, COMMON_FIELDS)
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = PostForms(path)
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                action_path = site_path(action)
                if action_path and not action_path.startswith("/accounts/logout/"):
                    targets[action_path] = tuple(sorted(set(targets.get(action_path, ())) | set(fields)))
    return [Target(path, fields) for path, fields in sorted(targets.items())]


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    # A form shown again with its errors; a JSON answer of 200 is a saved draft, not a refusal.
    return response.status_code == 200 and "json" not in response.get("Content-Type", "")


def hostile_posts(client: Client, person, target: Target) -> list[str]:
    """What went wrong when Hypothesis posted hostile values to ``target`` as ``person``."""
    failures = []

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(target.fields, field_value)))
    def post_hostile(data):
        with transaction.atomic():
            client.force_login(person)
            with CaptureQueriesContext(connection) as queries:
                response = client.post(target.path, data)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"{target.path} answered {response.status_code} to {json.dumps(data)[:300]}")
        elif refused(response) and writes_in(queries.captured_queries):
            write = writes_in(queries.captured_queries)[0]
            failures.append(f"{target.path} refused {json.dumps(data)[:200]} but wrote: {write}")

    post_hostile()
    return failures


@pytest.mark.parametrize("insider", ["facilitator", "learner", "author"])
def test_hostile_posts_never_break_a_form_or_save_a_refusal(site_tree, insider):
    world = private_world()
    ids = world_ids(world)
    person = world.insiders[insider]
    client = Client(raise_request_exception=False)
    client.force_login(person)
    client.get("/")  # site settings are made on the very first request
    targets = targets_for(client, ids)
    assert len(targets) >= 15, [target.path for target in targets]
    failures = [failure for target in targets for failure in hostile_posts(client, person, target)]
    assert failures == [], f"{insider}, {len(targets)} forms:\n" + "\n".join(sorted(set(failures))[:40])
