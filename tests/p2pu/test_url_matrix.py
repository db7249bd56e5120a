"""The wrong-side matrix: every URL pattern of the project against five people who have no business there.

For each pattern and role the test GETs and POSTs the URL filled with the private world's objects
(tests/p2pu/wrong_side.py) and checks the answer against tests/p2pu/url_matrix.py. Whatever the answer,
no response carries the world's private text, none is a server error, and a refused request writes
nothing. A pattern added to the site without an entry in the matrix fails ``test_every_pattern_has_an_entry``.
"""

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests.p2pu.url_filling import AREAS, expectation, path_for, patterns_in, world_ids, writes_in
from tests.p2pu.url_matrix import (
    ANSWERED,
    ERROR_TEST,
    EXPECTED,
    OPEN,
    SIGNED_IN,
    WAGTAIL_EMPTY_POST_FAULT,
    Expect,
)
from tests.p2pu.wrong_side import ROLES, private_world

pytestmark = pytest.mark.django_db

LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/")


def test_every_pattern_has_an_entry():
    site_routes = {pattern.route for pattern in patterns_in("site")}
    assert sorted(site_routes - set(EXPECTED)) == [], "URL patterns with no entry in tests/p2pu/url_matrix.py"
    assert sorted(set(EXPECTED) - site_routes) == [], "entries in tests/p2pu/url_matrix.py for no URL pattern"


def test_the_matrix_is_large():
    """The sweep covers the whole URLconf: the site's own apps, allauth, Wagtail's admin and API, Django's admin."""
    counts = {area: len(patterns_in(area)) for area in AREAS}
    assert counts["site"] >= 100 and counts["admin/"] >= 150 and counts["django-admin/"] >= 30, counts


# --- Judging an answer ----------------------------------------------------------------------------------


@dataclass
class Answer:
    method: str
    status: int
    outcome: str


def outcome_of(response) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code == 405:
        return "method"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(LOGIN_PATHS) or "/login/" in location:
            return "login"
        # Wagtail's admin refuses a signed-in editor by sending them to the dashboard with a message.
        if location in ("/admin/", reverse("wagtailadmin_home")):
            return "refused"
        return "open"
    if response.status_code in (400, 403, 404, 410, 429):
        return "refused"
    return "open"


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def problems_with(expect: Expect, role: str, answers: list[Answer], writes: list[str]) -> list[str]:
    wanted = expect.anonymous if role == "anonymous" else expect.others
    outcomes = {answer.method: answer.outcome for answer in answers}
    if wanted == ERROR_TEST:
        return []
    if wanted == WAGTAIL_EMPTY_POST_FAULT:
        expected = {"GET": "open", "POST": "error"}
        return [] if outcomes == expected and not writes else [f"answered {outcomes}, not {expected}"]
    problems = [f"{answer.method} answered {answer.status}" for answer in answers if answer.outcome == "error"]
    if wanted == ANSWERED:
        if writes:
            problems.append(f"a request wrote: {writes[0]}")
        return problems
    if wanted == OPEN or (wanted == SIGNED_IN and role != "anonymous"):
        if outcomes["GET"] not in ("open", "method"):
            problems.append(f"GET should be {wanted} but was {outcomes['GET']}")
        return problems
    allowed = {"login", "refused"}
    for method, outcome in outcomes.items():
        if outcome not in allowed | {"method"}:
            problems.append(f"{method} should be refused but was {outcome}")
    if set(outcomes.values()) == {"method"}:
        problems.append("neither GET nor POST reached the view")
    if writes:
        problems.append(f"a refused request wrote: {writes[0]}")
    return problems


def probe(client, path: str, method: str):
    """The answer to one request, its body and its queries, followed through the site's redirects as a
    browser would (a revisions list that sends an author on to a history page they are refused is a refusal)."""
    # Each request runs in a savepoint that is rolled back, so no probe leaves anything for the next.
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path) if method == "GET" else client.post(path, {})
            for _ in range(3):
                location = response.get("Location", "")
                if outcome_of(response) != "open" or not location.startswith("/"):
                    break
                response = client.get(location)
        body = body_of(response)
        transaction.set_rollback(True)
    return response, body, queries.captured_queries


def methods_for(expect: Expect, role: str) -> tuple[str, ...]:
    wanted = expect.anonymous if role == "anonymous" else expect.others
    # An open page is read, not posted to: a POST would do what the page is for (join, sign out).
    if wanted in (OPEN, ERROR_TEST) or (wanted == SIGNED_IN and role != "anonymous"):
        return ("GET",)
    return ("GET", "POST")


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("role", ROLES)
def test_the_wrong_side_gets_nothing(site_tree, role, area):
    # A server error is one more finding to list, not the end of the sweep.
    client = Client(raise_request_exception=False)
    world = private_world()
    ids = world_ids(world)
    person = world.people[role]
    if person is not None:
        client.force_login(person)
    # Site settings are made on the first request of all; make them before the probes that must not write.
    client.get("/")
    failures = []
    checked = 0
    for pattern in patterns_in(area):
        expect = expectation(pattern, role)
        try:
            path = path_for(pattern, expect, ids)
        except NoReverseMatch as error:
            failures.append(f"{pattern.route}: cannot be filled ({error})")
            continue
        answers, writes = [], []
        for method in methods_for(expect, role):
            response, body, queries = probe(client, path, method)
            answers.append(Answer(method, response.status_code, outcome_of(response)))
            writes += writes_in(queries)
            leaked = [secret for secret in world.secrets if secret in body]
            if leaked:
                failures.append(f"{method} {path}: shows {leaked}")
        checked += 1
        failures += [f"{path} ({pattern.route}): {problem}" for problem in problems_with(expect, role, answers, writes)]
    assert failures == [], f"{role} in {area}:\n" + "\n".join(failures)
    assert checked == len(patterns_in(area))
