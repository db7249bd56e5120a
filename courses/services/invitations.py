"""Invitations to co-author a course: sent by e-mail or in the app, answered once, or withdrawn."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2pu.core.links import absolute_reverse, absolute_url
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.notifications.services import notification_send, notifications_send_many, rendered_email_queue

from .. import notification_kinds, rate_limits
from ..models import CourseCredit, CourseInvitation, CoursePage, CreditRole, InvitationStatus
from ..models.authorship import role_in_sentence
from ..permissions import maintainers_of
from .authoring import course_authors_sync
from .credits import consented_course, credit_accept, credit_create


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
            {
                "email": _("%(person)s is already credited as %(role)s.")
                % {"person": invitee.get_display_name(), "role": CreditRole(role).label.lower()}
            }
        )
    pending = course.invitations.filter(email__iexact=email, status=InvitationStatus.PENDING)
    if any(invitation_is_open(invitation) for invitation in pending):
        raise ValidationError(
            {"email": _("%(email)s has already been invited and has not answered yet.") % {"email": email}}
        )
    rate_limits.INVITE_DECLINED.require(f"{invited_by.pk}:{email}", rate_limits.INVITE_WAS_DECLINED % {"email": email})
    quotas_require([
        Quota(rate_limits.INVITES_SENT, invited_by.pk, rate_limits.TOO_MANY_INVITES),
        Quota(rate_limits.INVITES_RECEIVED, email, rate_limits.ADDRESS_FLOODED % {"email": email}),
    ])  # fmt: skip
    # Expired invitations give way to the new one (one pending invitation per address).
    pending.update(status=InvitationStatus.REVOKED, responded_at=timezone.now())
    invitation = CourseInvitation.objects.create(course=course, email=email, invited_by=invited_by, role=role)

    inviter = invited_by.get_display_name()
    title = format_lazy(
        gettext_lazy("{inviter} invites you to co-author “{course}”"), inviter=inviter, course=course.title
    )
    body = format_lazy(
        gettext_lazy(
            "{inviter} would like you to join “{course}” as {role}. Open the invitation to accept or decline it."
        ),
        inviter=inviter,
        course=course.title,
        role=role_in_sentence(role),
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
            "role": role_in_sentence(role),
            "url": absolute_url(_invitation_path(invitation)),
            "signup_url": absolute_reverse("account_signup"),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "valid_days": settings.SIGNED_LINK_MAX_AGE // (24 * 60 * 60),
        }
        rendered_email_queue(
            to=[email],
            # Someone without an account yet reads it in the language of the person inviting them.
            subject=str(title),
            text=render_to_string("courses/authoring/emails/invitation.txt", context),
            html=render_to_string("courses/authoring/emails/invitation.html", context),
            dedupe_key=dedupe_key,
        )
    return invitation


def _invitation_lock_open(invitation: CourseInvitation) -> CourseInvitation:
    invitation = CourseInvitation.objects.select_for_update().select_related("course").get(pk=invitation.pk)
    if not invitation_is_open(invitation):
        raise ValidationError(_("This invitation has already been answered, withdrawn or has expired."))
    return invitation


def _invitation_answered_tell(*, invitation: CourseInvitation, user, accepted: bool) -> None:
    course = invitation.course
    if accepted:
        title = gettext_lazy("{person} accepted the invitation to co-author “{course}”")
    else:
        title = gettext_lazy("{person} declined the invitation to co-author “{course}”")
    notifications_send_many(
        recipients=maintainers_of(course, exclude=user),
        kind=notification_kinds.AUTHORS,
        title=format_lazy(title, person=user.get_display_name(), course=course.title),
        url=reverse("courses_authoring:authors", kwargs={"course_id": course.pk}),
        actor=user,
        dedupe_key=f"course.invitation_answered:{invitation.pk}",
    )


@transaction.atomic
def invitation_accept(*, invitation: CourseInvitation, user, licences_shown: str) -> CourseCredit:
    """Join the course: a credit in the invited role, accepted together with the course's licence (as
    the invitation page showed it; refused when it has changed since)."""
    invitation = _invitation_lock_open(invitation)
    course = consented_course(course=invitation.course, licences_shown=licences_shown)
    credit = course.credits.filter(person=user, role=invitation.role).first()
    if credit is None:
        credit = credit_create(course=course, person=user, role=invitation.role, accepted=True)
    else:
        credit = credit_accept(credit=credit, licences_shown=licences_shown)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    course_authors_sync(course=course)
    _invitation_answered_tell(invitation=invitation, user=user, accepted=True)
    return credit


@transaction.atomic
def invitation_decline(*, invitation: CourseInvitation, user) -> CourseInvitation:
    invitation = _invitation_lock_open(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    _invitation_answered_tell(invitation=invitation, user=user, accepted=False)
    if invitation.invited_by_id:
        rate_limits.INVITE_DECLINED.start(f"{invitation.invited_by_id}:{invitation.email}")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: CourseInvitation) -> CourseInvitation:
    """Withdraw an invitation nobody has answered yet; its link stops working."""
    invitation = _invitation_lock_open(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation
