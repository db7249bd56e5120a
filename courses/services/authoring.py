"""Who edits a course: learner authors, a course's authoring space and authors group kept in step
with its credits, starting a course, and credits taken off it.

Who may call these is decided in courses.permissions (views and admin hooks check first); these
functions keep the domain's own rules, e.g. the last maintainer stays.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import Truncator, format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.coreutils import find_available_slug
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale

from p2pu.audit.services import audit_record
from p2pu.notifications.services import notification_send, notifications_send_many

from .. import audit_actions, notification_kinds
from ..models import CourseCredit, CourseIndexPage, CoursePage, CreditRole
from ..models.authorship import role_in_sentence
from ..permissions import (
    COURSE_COLLECTION_PERMISSIONS,
    COURSE_PAGE_PERMISSIONS,
    COURSE_RUBRIC_PERMISSIONS,
    LEARNER_AUTHORS_GROUP_NAME,
    maintainers_of,
)
from ..workflows import review_workflow_ensure
from .credits import credit_create
from .pages import RESERVED_COURSE_SLUGS, course_create


def learner_authors_group_ensure() -> Group:
    """The base group of everyone who authors a course: access to the Wagtail admin and nothing else."""
    group, _created = Group.objects.get_or_create(name=LEARNER_AUTHORS_GROUP_NAME)
    group.permissions.set([Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")])
    return group


def _learner_authors_sync(*, user_ids) -> None:
    """Put in the base group exactly those of these people who are in some course's authors group."""
    base = learner_authors_group_ensure()
    User = get_user_model()
    authoring = set(
        User.objects.filter(pk__in=user_ids, groups__authored_course__isnull=False).values_list("pk", flat=True)
    )
    base.user_set.add(*authoring)
    base.user_set.remove(*(set(user_ids) - authoring))


def course_authors_sync(*, course: CoursePage) -> None:
    """Make the course's authors group hold exactly the people with an account credited on the course."""
    group = course.authors_group
    before = set(group.user_set.values_list("pk", flat=True))
    credited = set(course.credits.filter(person__isnull=False).values_list("person_id", flat=True))
    group.user_set.set(credited)
    _learner_authors_sync(user_ids=before | credited)


@transaction.atomic
def course_authoring_ensure(*, course: CoursePage) -> CoursePage:
    """Give the course its authoring space: its own collection, and an authors group holding Wagtail's
    permissions on the course page, that collection and rubrics, with the credited people as members.

    Idempotent; also makes sure the catalog has the review workflow.
    """
    if course.collection_id is None:
        course.collection = Collection.get_first_root_node().add_child(name=Truncator(course.title).chars(255))
    if course.authors_group_id is None:
        course.authors_group = Group.objects.create(name=f"Authors of course {course.pk}")
    # An update, not a save: no new revision, and the revisions keep the space (CoursePage.with_content_json).
    CoursePage.objects.filter(pk=course.pk).update(collection=course.collection, authors_group=course.authors_group)

    group = course.authors_group
    for codename in COURSE_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=course, permission=permission)
    for app_label, codename in COURSE_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=course.collection, permission=permission
        )
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="courses", codename__in=COURSE_RUBRIC_PERMISSIONS)
    )
    course_authors_sync(course=course)
    review_workflow_ensure(catalog=course.get_parent())
    return course


@transaction.atomic
def course_start(*, user, title: str, summary: str, licence: str) -> CoursePage:
    """A learner's new draft course in the catalog, with them as its (consenting) maintainer."""
    catalog = CourseIndexPage.objects.get(locale=Locale.get_default())
    slug = slugify(title) or "course"
    if slug in RESERVED_COURSE_SLUGS:
        slug = f"{slug}-course"
    course = course_create(
        catalog=catalog,
        title=title,
        user=user,
        summary=summary,
        licence=licence,
        slug=find_available_slug(catalog, slug),
    )
    credit_create(course=course, person=user, role=CreditRole.MAINTAINER, accepted=True)
    return course_authoring_ensure(course=course)


def _keep_a_maintainer(credit: CourseCredit) -> None:
    if (
        credit.role == CreditRole.MAINTAINER
        and not credit.course.credits.filter(role=CreditRole.MAINTAINER)
        .exclude(pk=credit.pk)
        .filter(person__isnull=False)
        .exists()
    ):
        raise ValidationError(_("A course needs at least one maintainer: make someone else a maintainer first."))


@transaction.atomic
def coauthor_remove(*, credit: CourseCredit, removed_by) -> None:
    """Take a credit off the course; a person loses editing rights unless they hold another credit.

    Their earlier contributions stay in the course's revisions.
    """
    credit = CourseCredit.objects.select_for_update(of=("self",)).select_related("course", "person").get(pk=credit.pk)
    _keep_a_maintainer(credit)
    course, person, credit_id = credit.course, credit.person, credit.pk
    credit.delete()
    audit_record(actor=removed_by, action=audit_actions.CREDIT_REMOVED, target=person, scope=course)
    course_authors_sync(course=course)
    if person is not None and person != removed_by:
        notification_send(
            recipient=person,
            kind=notification_kinds.AUTHORS,
            title=format_lazy(
                gettext_lazy("You are no longer credited as {role} on “{course}”"),
                role=role_in_sentence(credit.role),
                course=course.title,
            ),
            body=format_lazy(gettext_lazy("{person} removed the credit."), person=removed_by.get_display_name()),
            url=course.url or "",
            actor=removed_by,
            dedupe_key=f"course.credit_removed:{credit_id}",
        )


@transaction.atomic
def credit_decline(*, credit: CourseCredit, user) -> None:
    """The person would rather not be credited: the credit goes, and with it their editing rights."""
    credit = CourseCredit.objects.select_for_update().select_related("course").get(pk=credit.pk)
    _keep_a_maintainer(credit)
    course, credit_id = credit.course, credit.pk
    credit.delete()
    course_authors_sync(course=course)
    notifications_send_many(
        recipients=maintainers_of(course, exclude=user),
        kind=notification_kinds.AUTHORS,
        title=format_lazy(
            gettext_lazy("{person} declined the credit as {role} on “{course}”"),
            person=user.get_display_name(),
            role=role_in_sentence(credit.role),
            course=course.title,
        ),
        url=reverse("courses_authoring:authors", kwargs={"course_id": course.pk}),
        actor=user,
        dedupe_key=f"course.credit_declined:{credit_id}",
    )
