"""Filling the project's URL patterns with the private world's objects (tests/p2pu/wrong_side.py).

patterns_in("site")              # the patterns of one area: the site, Wagtail's admin, Django's admin
expectation(pattern, role)       # what the matrix (tests/p2pu/url_matrix.py) says that role must get
path_for(pattern, expect, ids)   # the pattern's path, filled with world_ids(world)
writes_in(queries)               # the statements of a request that changed someone's data
"""

import re

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.http import int_to_base36
from wagtail.models import Site

from tests.p2pu.url_matrix import (
    ADMIN_PAGES,
    ADMIN_RULES,
    ANSWERED,
    ERROR_TEST,
    EXPECTED,
    WAGTAIL_EMPTY_POST_FAULT,
    Expect,
    Pattern,
    url_patterns,
)
from tests.p2pu.wrong_side import WITH_ADMIN_ACCESS

AREAS = ("site", "admin/", "django-admin/")
# Writes any request may make: its session, image renditions and the admin profile of the person asking.
HOUSEKEEPING_TABLES = ("django_session", "wagtailimages_rendition", "wagtailusers_userprofile")


def area_of(pattern: Pattern) -> str:
    return next((prefix for prefix in ADMIN_RULES if pattern.route.startswith(prefix)), "site")


def patterns_in(area: str) -> list[Pattern]:
    return [pattern for pattern in url_patterns() if area_of(pattern) == area]


# --- Filling a pattern with the world's objects -----------------------------------------------------------

# Wagtail admin routes name their objects generically (``pk``); the route says which kind it is.
ADMIN_KINDS = (
    ("snippets/courses/rubric/", "rubric_id"),
    ("snippets/choose/courses/rubric/", "rubric_id"),
    ("discussion_flags/", "post_flag_id"),
    ("course_rating_flags/", "course_rating_flag_id"),
    ("course-rating-flags/", "course_rating_flag_id"),
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
    "rating_flag_id": "course_rating_flag_id",
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


def writes_in(queries) -> list[str]:
    writes = []
    for query in queries:
        sql = query["sql"].lstrip().upper()
        housekeeping = any(table in query["sql"] for table in HOUSEKEEPING_TABLES)
        if sql.startswith(("INSERT", "UPDATE", "DELETE")) and not housekeeping:
            writes.append(query["sql"][:160])
    return writes
