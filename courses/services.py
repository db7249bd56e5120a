"""Writes for the courses app: the catalog, courses, modules, rubrics and credits.

Keyword arguments only. These functions do not check permissions: views and admin hooks
decide who may act, then call them.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from wagtail.coreutils import find_available_slug
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from p2pu.core.links import absolute_reverse, absolute_url
from p2pu.notifications.services import notification_send, notifications_send_many, rendered_email_queue

from . import notification_kinds
from .licensing import Licence
from .models import (
    CourseCredit,
    CourseIndexPage,
    CourseInvitation,
    CoursePage,
    CreditRole,
    InvitationStatus,
    ModulePage,
    Rubric,
)
from .permissions import (
    COURSE_COLLECTION_PERMISSIONS,
    COURSE_PAGE_PERMISSIONS,
    COURSE_RUBRIC_PERMISSIONS,
    LEARNER_AUTHORS_GROUP_NAME,
    accepted_for,
    course_draft_licence,
    maintainers_of,
)
from .workflows import review_workflow_ensure


def _page_add(*, parent: Page, page: Page, user=None, publish: bool) -> Page:
    """Add ``page`` under ``parent`` with a first revision by ``user``; publish it, or keep it a draft."""
    page.owner = user
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user, skip_permission_checks=True)
        page.refresh_from_db()
    return page


@transaction.atomic
def catalog_ensure(*, home_page: Page, title: str = "Courses") -> CourseIndexPage:
    """The catalog at /courses/ under the home page; created and published if missing. Idempotent."""
    catalog = CourseIndexPage.objects.child_of(home_page).first()
    if catalog is None:
        catalog = _page_add(
            parent=home_page, page=CourseIndexPage(title=title, slug="courses"), user=None, publish=True
        )
    return catalog


@transaction.atomic
def course_create(*, catalog: CourseIndexPage, title: str, user=None, publish: bool = False, **fields) -> CoursePage:
    """A course under the catalog; ``fields`` are CoursePage fields, ``topics`` a list of names."""
    topics = fields.pop("topics", ())
    course = CoursePage(title=title, **fields)
    course.topics.add(*topics)
    return _page_add(parent=catalog, page=course, user=user, publish=publish)


@transaction.atomic
def module_create(*, course: CoursePage, title: str, user=None, publish: bool = False, **fields) -> ModulePage:
    """A module at the end of the course's outline; ``fields`` are ModulePage fields (``body`` as raw stream data)."""
    return _page_add(parent=course, page=ModulePage(title=title, **fields), user=user, publish=publish)


@transaction.atomic
def rubric_create(*, title: str, criteria: list, description: str = "", course=None, user=None) -> Rubric:
    """A rubric with its first revision; ``criteria`` is raw stream data of ``criterion`` items."""
    rubric = Rubric.objects.create(title=title, description=description, criteria=criteria, course=course)
    rubric.save_revision(user=user, log_action=True)
    return rubric


def credit_add(
    *,
    course: CoursePage,
    person=None,
    external_name: str = "",
    external_url: str = "",
    role: str = CreditRole.AUTHOR,
    accepted: bool = False,
) -> CourseCredit:
    """Credit a person (or an external name) on a course.

    ``accepted=True`` records that they have already agreed to the credit and to the course's
    current licence (e.g. the demo data, or a maintainer crediting themselves).
    """
    return CourseCredit.objects.create(
        course=course,
        person=person,
        external_name=external_name,
        external_url=external_url,
        role=role,
        sort_order=course.credits.count(),
        accepted_at=timezone.now() if accepted else None,
        accepted_licence=course.licence if accepted else "",
    )


# --- Authoring: learner authors, co-authors, credit with consent ----------------------------------
# Who may call these is decided in courses.permissions (views and admin hooks check first); these
# functions keep the domain's own rules: the last maintainer stays, an invitation is answered once.

#: Paths under /courses/ that courses.urls serves, which a course's slug must not shadow.
RESERVED_COURSE_SLUGS = frozenset({"start", "credits", "invitations", "remix"})


def learner_authors_group_ensure() -> Group:
    """The base group of everyone who authors a course: access to the Wagtail admin and nothing else."""
    group, _ = Group.objects.get_or_create(name=LEARNER_AUTHORS_GROUP_NAME)
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
    catalog = CourseIndexPage.objects.get()
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
    _credit_create(course=course, person=user, role=CreditRole.MAINTAINER, accepted=True)
    return course_authoring_ensure(course=course)


def _credit_create(*, course: CoursePage, accepted: bool, **fields) -> CourseCredit:
    credit = CourseCredit(course=course, sort_order=course.credits.count(), **fields)
    if accepted:
        _credit_consent_record(credit)
    credit.save()
    return credit


def _credit_consent_record(credit: CourseCredit) -> None:
    """Agreement to the credit under the course's live licence and the one its newest version moves to."""
    draft_licence = course_draft_licence(credit.course)
    credit.accepted_at = timezone.now()
    credit.accepted_licence = credit.course.licence
    credit.accepted_next_licence = draft_licence if draft_licence != credit.course.licence else ""


def _invitation_path(invitation: CourseInvitation) -> str:
    return reverse("courses:invitation", kwargs={"token": invitation.token})


def _account_for_email(email: str):
    """The person who has verified this address, if anyone has."""
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    return address.user if address and address.user.is_active else None


def invitation_is_open(invitation: CourseInvitation) -> bool:
    """Pending and younger than SIGNED_LINK_MAX_AGE, like every other link the site e-mails."""
    age = timezone.now() - invitation.created_at
    return invitation.status == InvitationStatus.PENDING and age.total_seconds() < settings.SIGNED_LINK_MAX_AGE


@transaction.atomic
def coauthor_invite(*, course: CoursePage, invited_by, email: str, role: str = CreditRole.AUTHOR) -> CourseInvitation:
    """Invite someone by e-mail to co-author the course: an in-app notification (and e-mail) if they
    have an account, otherwise an e-mail they can act on after signing up with that address."""
    # Addresses are matched without regard to case, as allauth does; stored as people usually write them.
    email = email.strip().lower()
    invitee = _account_for_email(email)
    if invitee is not None and course.credits.filter(person=invitee, role=role).exists():
        raise ValidationError(
            {"email": f"{invitee.get_display_name()} is already credited as {CreditRole(role).label.lower()}."}
        )
    pending = course.invitations.filter(email__iexact=email, status=InvitationStatus.PENDING)
    if any(invitation_is_open(invitation) for invitation in pending):
        raise ValidationError({"email": f"{email} has already been invited and has not answered yet."})
    # Expired invitations give way to the new one (one pending invitation per address).
    pending.update(status=InvitationStatus.REVOKED, responded_at=timezone.now())
    invitation = CourseInvitation.objects.create(course=course, email=email, invited_by=invited_by, role=role)

    inviter = invited_by.get_display_name()
    title = f"{inviter} invites you to co-author “{course.title}”"
    body = (
        f"{inviter} would like you to join “{course.title}” as {CreditRole(role).label.lower()}. "
        "Open the invitation to accept or decline it."
    )
    dedupe_key = f"course.invitation:{invitation.pk}"
    if invitee is not None:
        notification_send(
            recipient=invitee,
            kind=notification_kinds.INVITATION,
            title=title,
            body=body,
            url=_invitation_path(invitation),
            actor=invited_by,
            dedupe_key=dedupe_key,
        )
    else:
        context = {
            "invitation": invitation,
            "inviter": inviter,
            "course": course,
            "role": CreditRole(role).label.lower(),
            "url": absolute_url(_invitation_path(invitation)),
            "signup_url": absolute_reverse("account_signup"),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "valid_days": settings.SIGNED_LINK_MAX_AGE // (24 * 60 * 60),
        }
        rendered_email_queue(
            to=[email],
            subject=title,
            text=render_to_string("courses/authoring/emails/invitation.txt", context),
            html=render_to_string("courses/authoring/emails/invitation.html", context),
            dedupe_key=dedupe_key,
        )
    return invitation


def _invitation_lock_open(invitation: CourseInvitation) -> CourseInvitation:
    invitation = CourseInvitation.objects.select_for_update().select_related("course").get(pk=invitation.pk)
    if not invitation_is_open(invitation):
        raise ValidationError("This invitation has already been answered, withdrawn or has expired.")
    return invitation


def _invitation_answered_tell(*, invitation: CourseInvitation, user, answer: str) -> None:
    course = invitation.course
    notifications_send_many(
        recipients=maintainers_of(course, exclude=user),
        kind=notification_kinds.AUTHORS,
        title=f"{user.get_display_name()} {answer} the invitation to co-author “{course.title}”",
        url=reverse("courses_authoring:authors", kwargs={"course_id": course.pk}),
        actor=user,
        dedupe_key=f"course.invitation_answered:{invitation.pk}",
    )


@transaction.atomic
def invitation_accept(*, invitation: CourseInvitation, user) -> CourseCredit:
    """Join the course: a credit in the invited role, accepted together with the course's licence."""
    invitation = _invitation_lock_open(invitation)
    course = invitation.course
    credit = course.credits.filter(person=user, role=invitation.role).first()
    if credit is None:
        credit = _credit_create(course=course, person=user, role=invitation.role, accepted=True)
    else:
        credit = credit_accept(credit=credit)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    course_authors_sync(course=course)
    _invitation_answered_tell(invitation=invitation, user=user, answer="accepted")
    return credit


@transaction.atomic
def invitation_decline(*, invitation: CourseInvitation, user) -> CourseInvitation:
    invitation = _invitation_lock_open(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    _invitation_answered_tell(invitation=invitation, user=user, answer="declined")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: CourseInvitation) -> CourseInvitation:
    """Withdraw an invitation nobody has answered yet; its link stops working."""
    invitation = _invitation_lock_open(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def _keep_a_maintainer(credit: CourseCredit) -> None:
    if (
        credit.role == CreditRole.MAINTAINER
        and not credit.course.credits.filter(role=CreditRole.MAINTAINER)
        .exclude(pk=credit.pk)
        .filter(person__isnull=False)
        .exists()
    ):
        raise ValidationError("A course needs at least one maintainer: make someone else a maintainer first.")


@transaction.atomic
def coauthor_remove(*, credit: CourseCredit, removed_by) -> None:
    """Take a credit off the course; a person loses editing rights unless they hold another credit.

    Their earlier contributions stay in the course's revisions.
    """
    credit = CourseCredit.objects.select_for_update(of=("self",)).select_related("course", "person").get(pk=credit.pk)
    _keep_a_maintainer(credit)
    course, person, credit_id = credit.course, credit.person, credit.pk
    credit.delete()
    course_authors_sync(course=course)
    if person is not None and person != removed_by:
        notification_send(
            recipient=person,
            kind=notification_kinds.AUTHORS,
            title=f"You are no longer credited as {credit.get_role_display().lower()} on “{course.title}”",
            body=f"{removed_by.get_display_name()} removed the credit.",
            url=course.url or "",
            actor=removed_by,
            dedupe_key=f"course.credit_removed:{credit_id}",
        )


def credit_accept(*, credit: CourseCredit) -> CourseCredit:
    """The credited person (or, for an external name, a maintainer on their behalf) accepts the credit,
    under the course's live licence and under the licence its newest version moves to."""
    _credit_consent_record(credit)
    credit.save(update_fields=["accepted_at", "accepted_licence", "accepted_next_licence"])
    return credit


def credits_licence_published(*, course: CoursePage) -> int:
    """The course went live under its licence: agreements to that licence as the next one become the
    agreement to the live one. Returns how many credits moved."""
    return course.credits.filter(accepted_at__isnull=False, accepted_next_licence=course.licence).update(
        accepted_licence=course.licence, accepted_next_licence=""
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
        title=(
            f"{user.get_display_name()} declined the credit as {credit.get_role_display().lower()} on “{course.title}”"
        ),
        url=reverse("courses_authoring:authors", kwargs={"course_id": course.pk}),
        actor=user,
        dedupe_key=f"course.credit_declined:{credit_id}",
    )


def external_credit_add(*, course: CoursePage, name: str, url: str = "", role: str = CreditRole.AUTHOR) -> CourseCredit:
    """Credit someone without an account; the maintainer adding it confirms it on their behalf."""
    return _credit_create(course=course, external_name=name, external_url=url, role=role, accepted=True)


def credits_consent_request(*, course: CoursePage, licence: str, requested_by) -> list:
    """Ask everyone whose credit is not yet accepted for ``licence`` to accept it (once per licence).

    People with an account are asked themselves; external credits are for the maintainers to confirm.
    """
    pending = list(course.credits.exclude(accepted_for(licence)).select_related("person"))
    label = Licence(licence).label
    sent = []
    for credit in pending:
        recipients = [credit.person] if credit.person_id else list(maintainers_of(course))
        for recipient in recipients:
            if recipient == requested_by:
                continue
            notification = notification_send(
                recipient=recipient,
                kind=notification_kinds.CREDIT_CONSENT,
                title=f"Please confirm the credit on “{course.title}” under {label}",
                body=(
                    f"Before “{course.title}” can be published under {label}, "
                    + (
                        f"confirm the credit for {credit.name}."
                        if not credit.person_id
                        else "accept your credit and the licence."
                    )
                ),
                url=reverse("courses:credits"),
                actor=requested_by,
                dedupe_key=f"course.credit_consent:{credit.pk}:{licence}:{recipient.pk}",
            )
            if notification is not None:
                sent.append(notification)
    return sent
