"""Inviting people: by name, or with a signed link a facilitator shares."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2pu.audit.services import audit_record
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.notifications.services import notification_send

from .. import audit_actions, notification_kinds, rate_limits
from ..lazy_texts import filled_in_lazy, schedule_summary_lazy
from ..models import JOINABLE_STATES, Circle, InviteLink, Membership, MembershipStatus, Role
from ..permissions import manager_access
from .seats import lock_circle, set_status

INVITE_LINK_SALT = "cohorts.invite_link"


def invitation_send(*, circle: Circle, by, invitee, role: str = Role.LEARNER) -> Membership:
    """Invite one person by name; they accept on the circle page or in “My learning”.

    Counted against the facilitator's allowance and the invitee's, and refused for a while after the
    invitee declined an invitation to this circle, so nobody can be invited again and again.
    """
    manager_access(circle=circle, user=by)
    now = timezone.now()
    name = invitee.get_display_name()
    with transaction.atomic():
        circle = lock_circle(circle)
        if circle.state not in JOINABLE_STATES or not circle.meetings.upcoming(now=now).exists():
            raise ValidationError(
                _("Only a circle that is open or running, with meetings still to come, can invite people.")
            )
        membership = Membership.objects.select_for_update().filter(circle=circle, user=invitee).first()
        if membership and membership.status in (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED):
            raise ValidationError(_("%(name)s is already in this circle.") % {"name": name})
        if membership and membership.status == MembershipStatus.PENDING:
            raise ValidationError(_("%(name)s already asked to join: approve their request instead.") % {"name": name})
        declined = rate_limits.INVITE_WAS_DECLINED % {"name": name}
        rate_limits.INVITE_DECLINED.require(f"{circle.pk}:{invitee.pk}", declined)
        quotas_require([
            Quota(rate_limits.INVITES_SENT, by.pk, rate_limits.TOO_MANY_INVITES),
            Quota(rate_limits.INVITES_RECEIVED, invitee.pk, rate_limits.INVITEE_FLOODED % {"name": name}),
        ])  # fmt: skip
        membership = membership or Membership(circle=circle, user=invitee)
        membership.invited_by = by
        membership.requested_at = now
        set_status(membership, MembershipStatus.INVITED, now=now, role=role, also=("invited_by", "requested_at"))
        audit_record(actor=by, action=audit_actions.INVITED, subject=membership, target=invitee, scope=circle)
        invited = (
            gettext_lazy("%(name)s invited you to co-facilitate %(circle)s")
            if role == Role.FACILITATOR
            else gettext_lazy("%(name)s invited you to join %(circle)s")
        )
        notification_send(
            recipient=invitee,
            kind=notification_kinds.INVITED,
            title=filled_in_lazy(invited, {"name": by.get_display_name(), "circle": circle.name}),
            body=filled_in_lazy(
                gettext_lazy("%(circle)s follows the course “%(course)s”: %(schedule)s."),
                {"circle": circle.name, "course": circle.course.title, "schedule": schedule_summary_lazy(circle)},
            ),
            url=circle.get_absolute_url(),
            actor=by,
            dedupe_key=f"circle.invited:{membership.pk}:{now.isoformat()}",
        )
    return membership


def invitation_decline(*, circle: Circle, user) -> Membership:
    membership = Membership.objects.filter(circle=circle, user=user, status=MembershipStatus.INVITED).first()
    if membership is None:
        raise ValidationError(_("There is no invitation to decline."))
    set_status(membership, MembershipStatus.LEFT, now=timezone.now())
    rate_limits.INVITE_DECLINED.start(f"{circle.pk}:{user.pk}")
    return membership


def invite_link_token(link: InviteLink) -> str:
    return signing.dumps({"link": link.pk, "circle": link.circle_id}, salt=INVITE_LINK_SALT)


def invite_link_create(*, circle: Circle, by, valid_days: int) -> InviteLink:
    manager_access(circle=circle, user=by)
    if not 1 <= valid_days <= settings.INVITE_LINK_MAX_DAYS:
        raise ValidationError(
            {
                "valid_days": _("An invitation link lasts 1 to %(count)d days.")
                % {"count": settings.INVITE_LINK_MAX_DAYS}
            }
        )
    now = timezone.now()
    return InviteLink.objects.create(
        circle=circle, created_by=by, created_at=now, expires_at=now + dt.timedelta(days=valid_days)
    )


def invite_link_revoke(*, link: InviteLink, by) -> InviteLink:
    manager_access(circle=link.circle, user=by)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def invite_link_resolve(*, token: str) -> InviteLink:
    """The link a token stands for; ValidationError saying why when it is forged, expired or withdrawn."""
    try:
        data = signing.loads(token, salt=INVITE_LINK_SALT, max_age=dt.timedelta(days=settings.INVITE_LINK_MAX_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation link has expired. Ask a facilitator for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid. Check that you copied all of it.")) from None
    link = (
        InviteLink.objects.select_related("circle", "circle__course")
        .filter(pk=data.get("link"), circle_id=data.get("circle"))
        .first()
    )
    if link is None or link.revoked_at is not None:
        raise ValidationError(_("This invitation link was withdrawn. Ask a facilitator for a new one."))
    if not link.is_usable():
        raise ValidationError(_("This invitation link has expired. Ask a facilitator for a new one."))
    return link
