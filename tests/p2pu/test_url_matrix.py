"""The wrong-side matrix: every URL pattern of the project against five people who have no business there.

For each pattern and role the test GETs and POSTs the URL filled with the private world's objects
(tests/p2pu/wrong_side.py) and checks the answer against tests/p2pu/url_matrix.py. Whatever the answer,
no response carries the world's private text, none is a server error, and a refused request writes
nothing. A pattern added to the site without an entry in the matrix fails ``test_every_pattern_has_an_entry``.
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils.http import int_to_base36
from wagtail.models import Site

from tests.p2pu.url_matrix import (
    ADMIN_PAGES,
    ADMIN_RULES,
    ANSWERED,
    ERROR_TEST,
    EXPECTED,
    OPEN,
    SIGNED_IN,
    WAGTAIL_EMPTY_POST_FAULT,
    Expect,
    Pattern,
    url_patterns,
)
from tests.p2pu.wrong_side import ROLES, WITH_ADMIN_ACCESS, private_world

pytestmark = pytest.mark.django_db

AREAS = ("site", "admin/", "django-admin/")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/")
# Writes any request may make: its session (messages, sign-in state) and image renditions, nothing of anyone else's.
HOUSEKEEPING_TABLES = ("django_session", "wagtailimages_rendition")


def area_of(pattern: Pattern) -> str:
    return next((prefix for prefix in ADMIN_RULES if pattern.route.startswith(prefix)), "site")


def patterns_in(area: str) -> list[Pattern]:
    return [pattern for pattern in url_patterns() if area_of(pattern) == area]


def test_every_pattern_has_an_entry():
    site_routes = {pattern.route for pattern in patterns_in("site")}
    assert sorted(site_routes - set(EXPECTED)) == [], "URL patterns with no entry in tests/p2pu/url_matrix.py"
    assert sorted(set(EXPECTED) - site_routes) == [], "entries in tests/p2pu/url_matrix.py for no URL pattern"


def test_the_matrix_is_large():
    """The sweep covers the whole URLconf: the site's own apps, allauth, Wagtail's admin and API, Django's admin."""
    counts = {area: len(patterns_in(area)) for area in AREAS}
    assert counts["site"] >= 100 and counts["admin/"] >= 150 and counts["django-admin/"] >= 30, counts


# --- Filling a pattern with the world's objects -----------------------------------------------------------

# Wagtail admin routes name their objects generically (``pk``); the route says which kind it is.
ADMIN_KINDS = (
    ("snippets/courses/rubric/", "rubric_id"),
    ("snippets/choose/courses/rubric/", "rubric_id"),
    ("discussion_flags/", "post_flag_id"),
    ("discussion-flags/", "post_flag_id"),
    ("circles/", "circle_id"),
    ("users/", "author_id"),
    ("groups/", "authors_group_id"),
    ("collections/", "collection_id"),
    ("images/", "image_id"),
    ("documents/", "document_id"),
    ("api/main/^images/", "image_id"),
    ("api/main/^documents/", "document_id"),
    ("courses/", "page_id"),
    ("pages/", "page_id"),
    ("api/main/^pages/", "page_id"),
)
ADMIN_ARGUMENTS = {
    "page_id": "page_id",
    "parent_page_id": "page_id",
    "page_to_move_id": "page_id",
    "destination_id": "page_id",
    "page_pk": "page_id",
    "course_id": "page_id",
    "image_id": "image_id",
    "document_id": "document_id",
    "doc_id": "document_id",
    "credit_id": "credit_id",
    "invitation_id": "course_invitation_id",
    "flag_id": "post_flag_id",
    "collection_id": "collection_id",
    "revision_id": "revision_id",
    "revision_id_a": "revision_id",
    "revision_id_b": "revision_id",
    "task_state_id": "task_state_id",
    "workflow_state_id": "workflow_state_id",
    "uidb64": "author_uidb64",
    "token": "bad_token",
    "content_type_app_name": "courses_app",
    "content_type_model_name": "course_model",
    "app_label": "courses_app",
    "app_name": "courses_app",
    "model_name": "course_model",
    "filter_spec": "original",
    "action_name": "approve",
    "action": "delete",
}
#: Route arguments that name one of the world's objects: an admin route with one is about that object.
OBJECT_ARGUMENTS = {"pk", "object_id"} | {
    name for name, key in ADMIN_ARGUMENTS.items() if key.endswith("_id") and key != "bad_token"
}


def admin_kwargs(pattern: Pattern, ids: dict) -> dict:
    inside = pattern.route.removeprefix("admin/")
    kind = next((key for prefix, key in ADMIN_KINDS if inside.startswith(prefix)), "missing_id")
    kwargs = {}
    for name in pattern.converters:
        if name in ("pk", "object_id"):
            kwargs[name] = ids[kind]
        else:
            kwargs[name] = ids.get(ADMIN_ARGUMENTS.get(name, ""), ids["missing_id"])
    return kwargs


def expectation(pattern: Pattern, role: str) -> Expect:
    area = area_of(pattern)
    if area == "site":
        return EXPECTED[pattern.route]
    page = ADMIN_PAGES.get(pattern.route)
    if page is not None and (role == WITH_ADMIN_ACCESS or page.others not in (ERROR_TEST, WAGTAIL_EMPTY_POST_FAULT)):
        return page
    if area == "admin/" and role == WITH_ADMIN_ACCESS and not set(pattern.converters) & OBJECT_ARGUMENTS:
        # An author has Wagtail admin access; an admin page about no object in particular is theirs to use.
        return Expect(ANSWERED)
    return ADMIN_RULES[area]


def django_admin_kwargs(pattern: Pattern, ids: dict) -> dict:
    return {name: "auth" if name == "app_label" else ids["missing_id"] for name in pattern.converters}


def unnamed_path(pattern: Pattern, kwargs: dict) -> str:
    """The path of a pattern that has no name: its route with the arguments put in."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), pattern.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(kwargs[match.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def path_for(pattern: Pattern, expect: Expect, ids: dict) -> str:
    if expect.path:
        return expect.path.format(**ids)
    area = area_of(pattern)
    if area == "site":
        kwargs = {name: ids[expect.ids.get(name, name)] for name in pattern.converters}
    elif area == "admin/":
        kwargs = admin_kwargs(pattern, ids)
    else:
        kwargs = django_admin_kwargs(pattern, ids)
    if pattern.name is None:
        return unnamed_path(pattern, kwargs)
    return reverse(pattern.name, kwargs=kwargs)


def world_ids(world) -> dict:
    ids = dict(world.ids)
    draft = world.draft
    author = world.author
    ids.update(
        bad_token="not-a-real-token",
        missing_uuid="00000000-0000-4000-8000-000000000000",
        missing_id=987654,
        lock_action="lock",
        author_uidb36=int_to_base36(author.pk),
        author_uidb64="MQ",
        draft_url=draft.url,
        draft_module_id=world.draft_module_id,
        collection_id=draft.collection_id,
        authors_group_id=draft.authors_group_id,
        revision_id=draft.latest_revision_id,
        task_state_id=987654,
        workflow_state_id=987654,
        course_invitation_id=world.course_invitation_id,
        courses_app="courses",
        course_model="coursepage",
        original="original",
        approve="approve",
        site_id=Site.objects.get(is_default_site=True).pk,
        reset_token=default_token_generator.make_token(author),
    )
    return ids


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


def writes_in(queries) -> list[str]:
    writes = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        housekeeping = any(table in query["sql"] for table in HOUSEKEEPING_TABLES)
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not housekeeping:
            writes.append(query["sql"][:160])
    return writes


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
    # Each request runs in a savepoint that is rolled back, so no probe leaves anything for the next.
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path) if method == "GET" else client.post(path, {})
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
