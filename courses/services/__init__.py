"""Writes for the courses app: the catalog, courses, modules and rubrics; who authors a course; credits
and their consent; co-author invitations. Keyword arguments only.

These functions do not check permissions: views and admin hooks decide who may act, then call them.
"""

from .authoring import (
    coauthor_remove,
    course_authoring_ensure,
    course_authors_sync,
    course_start,
    credit_decline,
    learner_authors_group_ensure,
)
from .credits import (
    consent_terms,
    credit_accept,
    credit_add,
    credits_consent_request,
    credits_licence_published,
    external_credit_add,
    external_credits_review_publish,
)
from .invitations import coauthor_invite, invitation_accept, invitation_decline, invitation_is_open, invitation_revoke
from .pages import RESERVED_COURSE_SLUGS, catalog_ensure, course_create, module_create, rubric_create

__all__ = [
    "RESERVED_COURSE_SLUGS",
    "catalog_ensure",
    "coauthor_invite",
    "coauthor_remove",
    "course_authoring_ensure",
    "course_authors_sync",
    "course_create",
    "course_start",
    "consent_terms",
    "credit_accept",
    "credit_add",
    "credit_decline",
    "credits_consent_request",
    "credits_licence_published",
    "external_credit_add",
    "external_credits_review_publish",
    "invitation_accept",
    "invitation_decline",
    "invitation_is_open",
    "invitation_revoke",
    "learner_authors_group_ensure",
    "module_create",
    "rubric_create",
]
