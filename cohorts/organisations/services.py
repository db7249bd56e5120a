"""Writes to organisations: creating and editing one, inviting, asking to join, answering, roles, leaving.

Every change that could leave an organisation without an organiser locks the organisation's row first
(``_locked``), so two organisers demoting each other at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection

from cohorts.models import (
    INVITATION_LIFETIME,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationMembershipStatus,
    OrganisationRole,
)
from cohorts.permissions import is_verified
from courses.models import CoursePage
from p2pu.audit.services import audit_record
from p2pu.core.links import absolute_url
from p2pu.core.permissions import require
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.notifications.services import notification_send, notifications_send_many, rendered_email_queue

from . import audit_actions, notification_kinds, rate_limits
from .permissions import is_organiser

INVITATION_SALT = "cohorts.organisation_invitation"
#: Logos uploaded here sit outside every course's collection, so courses/files.py serves them to everyone.
LOGO_COLLECTION_NAME = "Organisation logos"


def _last_organiser_refusal() -> str:
    return _(
        "An organisation needs at least one organiser: make someone else an organiser first, "
        "or ask the site's editors to close the organisation."
    )


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _require_organiser(*, organisation: Organisation, by) -> None:
    require(is_organiser(by, organisation), _("Only an organisation's organisers can do that."))


def _is_last_organiser(membership: OrganisationMembership) -> bool:
    if not membership.is_organiser:
        return False
    others = OrganisationMembership.objects.organisers().filter(organisation_id=membership.organisation_id)
    return not others.exclude(pk=membership.pk).exists()


def _status_set(membership: OrganisationMembership, status: str, *, now: dt.datetime, also=()) -> None:
    membership.status = status
    membership.status_changed_at = now
    membership.save(update_fields=["status", "status_changed_at", *also])


def _tell_member(membership: OrganisationMembership, *, by, title: str) -> None:
    # One notification per state a membership reaches: switching a role back and forth tells nobody twice.
    notification_send(
        recipient=membership.user,
        kind=notification_kinds.MEMBERSHIP_CHANGED,
        title=title,
        url=membership.organisation.get_absolute_url(),
        actor=by,
        dedupe_key=f"organisation.membership:{membership.pk}:{membership.status}:{membership.role}",
    )


#: Addresses under /orgs/ that are pages of their own, not organisations.
RESERVED_SLUGS = {"new", "invitations"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def logo_is_public(image) -> bool:
    """A logo is shown to everyone, so it must not be one of a course's images (those follow the course)."""
    return image is None or not CoursePage.objects.filter(collection_id=image.collection_id).exists()


def _check_logo(image) -> None:
    if not logo_is_public(image):
        raise ValidationError({"logo": _("Choose a logo that is not one of a course's images.")})


def logo_collection() -> Collection:
    collection = Collection.objects.filter(name=LOGO_COLLECTION_NAME, depth=2).first()
    return collection or Collection.get_first_root_node().add_child(name=LOGO_COLLECTION_NAME)


def logo_upload(*, by, file, title: str):
    """Store an uploaded logo where everyone may see it (the organisation logos' collection)."""
    image = get_image_model()(title=title[:255], file=file, collection=logo_collection(), uploaded_by_user=by)
    image.full_clean(exclude=["file_hash"])
    image.save()
    return image


def logos_choosable_by(user):
    """Logos a person may pick again: the ones they uploaded to the organisation logos' collection."""
    return get_image_model().objects.filter(collection=logo_collection(), uploaded_by_user=user).order_by("-pk")


@transaction.atomic
def organisation_create(*, by, name: str, about: str = "", city: str = "", website: str = "", logo=None):
    """A new organisation with ``by`` as its first organiser."""
    require(is_verified(by), _("Confirm your e-mail address before creating an organisation."))
    _check_logo(logo)
    now = timezone.now()
    organisation = Organisation(
        name=name, about=about, city=city, website=website, logo=logo, created_by=by, created_at=now
    )
    organisation.clean()
    organisation.slug = _unique_slug(organisation.name)
    organisation.full_clean()
    organisation.save()
    OrganisationMembership.objects.create(
        organisation=organisation,
        user=by,
        role=OrganisationRole.ORGANISER,
        status=OrganisationMembershipStatus.ACTIVE,
        requested_at=now,
        joined_at=now,
        status_changed_at=now,
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by, name: str, about: str, city: str, website: str, logo):
    _require_organiser(organisation=organisation, by=by)
    _check_logo(logo)
    organisation = _locked(organisation)
    organisation.name, organisation.about, organisation.city = name, about, city
    organisation.website, organisation.logo = website, logo
    organisation.full_clean()
    organisation.save()
    return organisation


# --- Invitations by e-mail ----------------------------------------------------------------------------


def invitation_token(invitation: OrganisationInvitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: OrganisationInvitation) -> str:
    return reverse("organisations:invitation", kwargs={"token": invitation_token(invitation)})


@transaction.atomic
def invitation_send(*, organisation: Organisation, by, email: str, role: str) -> OrganisationInvitation:
    """E-mail a signed link to ``email``; whoever signs in and opens it joins in ``role`` (once, before it expires).

    A new invitation to the same address replaces the open one. Counted against the organiser's
    allowance and the address's.
    """
    _require_organiser(organisation=organisation, by=by)
    email = email.strip().lower()
    already = OrganisationMembership.objects.active().filter(
        organisation=organisation, user__emailaddress__email__iexact=email, user__emailaddress__verified=True
    )
    if already.exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    quotas_require([
        Quota(rate_limits.INVITES_SENT, by.pk, rate_limits.TOO_MANY_INVITES),
        Quota(rate_limits.INVITES_RECEIVED, email, rate_limits.ADDRESS_FLOODED % {"email": email}),
    ])  # fmt: skip
    now = timezone.now()
    organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    audit_record(actor=by, action=audit_actions.INVITED, subject=invitation, scope=organisation)
    inviter = by.get_display_name()
    context = {
        "inviter": inviter,
        "organisation": organisation,
        "role": OrganisationRole(role).label.lower(),
        "url": absolute_url(invitation_url(invitation)),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "valid_days": INVITATION_LIFETIME.days,
    }
    rendered_email_queue(
        to=[email],
        subject=_("%(inviter)s invites you to join %(organisation)s")
        % {"inviter": inviter, "organisation": organisation.name},
        text=render_to_string("cohorts/organisations/emails/invitation.txt", context),
        html=render_to_string("cohorts/organisations/emails/invitation.html", context),
        dedupe_key=f"organisation.invitation:{invitation.pk}",
    )
    return invitation


def invitation_resolve(*, token: str) -> OrganisationInvitation:
    """The invitation a token stands for; ValidationError saying why when forged, expired, used or withdrawn."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_LIFETIME)
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation has expired. Ask an organiser for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid. Check that you copied all of it.")) from None
    invitation = OrganisationInvitation.objects.select_related("organisation").filter(pk=data.get("invitation")).first()
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn. Ask an organiser for a new one."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has expired. Ask an organiser for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> OrganisationMembership:
    """Join with the invitation's role. Any signed-in account may accept: the link went to the address, is
    signed, expires and works once; organisers see who accepted and can remove them."""
    require(user.is_authenticated, _("Sign in to accept the invitation."))
    invitation = invitation_resolve(token=token)
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has already been used."))
    organisation = _locked(invitation.organisation)
    now = timezone.now()
    membership = OrganisationMembership.objects.filter(organisation=organisation, user=user).first()
    if membership is not None and membership.is_active:
        # An organiser stays an organiser when a facilitator's invitation reaches them.
        if invitation.role == OrganisationRole.ORGANISER and membership.role != OrganisationRole.ORGANISER:
            membership.role = OrganisationRole.ORGANISER
            membership.save(update_fields=["role"])
    else:
        membership = membership or OrganisationMembership(organisation=organisation, user=user, requested_at=now)
        membership.role = invitation.role
        membership.invited_by = invitation.invited_by
        membership.joined_at = now
        membership.status = OrganisationMembershipStatus.ACTIVE
        membership.status_changed_at = now
        membership.save()
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    notifications_send_many(
        recipients=[
            m.user
            for m in OrganisationMembership.objects.organisers()
            .filter(organisation=organisation)
            .exclude(user=user)
            .select_related("user")
        ],
        kind=notification_kinds.INVITATION_ACCEPTED,
        title=_("%(name)s accepted the invitation to %(organisation)s")
        % {"name": user.get_display_name(), "organisation": organisation.name},
        url=reverse("organisations:members", kwargs={"slug": organisation.slug}),
        actor=user,
        dedupe_key=f"organisation.invitation_accepted:{invitation.pk}",
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: OrganisationInvitation, by) -> OrganisationInvitation:
    _require_organiser(organisation=invitation.organisation, by=by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- Asking to join, and the answer -------------------------------------------------------------------


@transaction.atomic
def join_request(*, organisation: Organisation, user, message: str) -> OrganisationMembership:
    """Ask to join as a facilitator; every organiser is told. Counted against the asker and the organisation."""
    require(is_verified(user), _("Confirm your e-mail address before asking to join an organisation."))
    membership = OrganisationMembership.objects.select_for_update().filter(organisation=organisation, user=user).first()
    if membership is not None and membership.is_active:
        raise ValidationError(_("You are already a member of this organisation."))
    if membership is not None and membership.status == OrganisationMembershipStatus.REQUESTED:
        raise ValidationError(_("You have already asked to join; the organisers will answer."))
    quotas_require([
        Quota(rate_limits.JOIN_REQUESTS_SENT, user.pk, rate_limits.TOO_MANY_REQUESTS),
        Quota(rate_limits.JOIN_REQUESTS_RECEIVED, organisation.pk, rate_limits.ORGANISERS_FLOODED),
    ])  # fmt: skip
    now = timezone.now()
    membership = membership or OrganisationMembership(organisation=organisation, user=user)
    membership.role = OrganisationRole.FACILITATOR
    membership.request_message = message
    membership.requested_at = now
    membership.invited_by = None
    membership.status = OrganisationMembershipStatus.REQUESTED
    membership.status_changed_at = now
    membership.save()
    organisers = OrganisationMembership.objects.organisers().filter(organisation=organisation).select_related("user")
    notifications_send_many(
        recipients=[m.user for m in organisers],
        kind=notification_kinds.JOIN_REQUEST,
        title=_("%(name)s asked to join %(organisation)s")
        % {"name": user.get_display_name(), "organisation": organisation.name},
        body=message,
        url=reverse("organisations:members", kwargs={"slug": organisation.slug}),
        actor=user,
        dedupe_key=f"organisation.join_request:{membership.pk}:{now.isoformat()}",
    )
    return membership


def _membership_locked(membership: OrganisationMembership, *, by) -> OrganisationMembership:
    """The membership as it is now, under its organisation's lock, for one of its organisers to change."""
    _require_organiser(organisation=membership.organisation, by=by)
    organisation = _locked(membership.organisation)
    membership = OrganisationMembership.objects.select_related("user").get(pk=membership.pk)
    membership.organisation = organisation
    return membership


@transaction.atomic
def request_approve(*, membership: OrganisationMembership, by) -> OrganisationMembership:
    membership = _membership_locked(membership, by=by)
    if membership.status != OrganisationMembershipStatus.REQUESTED:
        raise ValidationError(_("There is no request to answer."))
    now = timezone.now()
    membership.joined_at = now
    _status_set(membership, OrganisationMembershipStatus.ACTIVE, now=now, also=("joined_at",))
    audit_record(
        actor=by, action=audit_actions.REQUEST_APPROVED, subject=membership, target=membership.user,
        scope=membership.organisation,
    )  # fmt: skip
    _tell_member(
        membership,
        by=by,
        title=_("You are now a member of %(organisation)s") % {"organisation": membership.organisation.name},
    )
    return membership


@transaction.atomic
def request_decline(*, membership: OrganisationMembership, by) -> OrganisationMembership:
    membership = _membership_locked(membership, by=by)
    if membership.status != OrganisationMembershipStatus.REQUESTED:
        raise ValidationError(_("There is no request to answer."))
    _status_set(membership, OrganisationMembershipStatus.DECLINED, now=timezone.now())
    audit_record(
        actor=by, action=audit_actions.REQUEST_DECLINED, subject=membership, target=membership.user,
        scope=membership.organisation,
    )  # fmt: skip
    _tell_member(
        membership,
        by=by,
        title=_("Your request to join %(organisation)s was declined") % {"organisation": membership.organisation.name},
    )
    return membership


@transaction.atomic
def role_change(*, membership: OrganisationMembership, by, role: str) -> OrganisationMembership:
    membership = _membership_locked(membership, by=by)
    if not membership.is_active:
        raise ValidationError(_("Only a member's role can be changed."))
    if role == membership.role:
        return membership
    if _is_last_organiser(membership):
        raise ValidationError(_last_organiser_refusal())
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=by,
        action=audit_actions.ROLE_CHANGED,
        subject=membership,
        target=membership.user,
        scope=membership.organisation,
        reason=f"{old_role} → {role}",
    )
    _tell_member(
        membership,
        by=by,
        title=_("You are now %(role)s in %(organisation)s")
        % {"role": OrganisationRole(role).label.lower(), "organisation": membership.organisation.name},
    )
    return membership


@transaction.atomic
def member_remove(*, membership: OrganisationMembership, by) -> OrganisationMembership:
    membership = _membership_locked(membership, by=by)
    if not membership.is_active:
        raise ValidationError(_("This person is not a member."))
    if _is_last_organiser(membership):
        raise ValidationError(_last_organiser_refusal())
    _status_set(membership, OrganisationMembershipStatus.REMOVED, now=timezone.now())
    audit_record(
        actor=by, action=audit_actions.MEMBER_REMOVED, subject=membership, target=membership.user,
        scope=membership.organisation,
    )  # fmt: skip
    if membership.user_id != by.pk:
        _tell_member(
            membership,
            by=by,
            title=_("You were removed from %(organisation)s") % {"organisation": membership.organisation.name},
        )
    return membership


@transaction.atomic
def membership_leave(*, organisation: Organisation, user) -> OrganisationMembership:
    """Leave, or withdraw a request to join."""
    organisation = _locked(organisation)
    membership = OrganisationMembership.objects.filter(organisation=organisation, user=user).first()
    leaving = (OrganisationMembershipStatus.ACTIVE, OrganisationMembershipStatus.REQUESTED)
    if membership is None or membership.status not in leaving:
        raise ValidationError(_("You are not a member of this organisation."))
    if _is_last_organiser(membership):
        raise ValidationError(_last_organiser_refusal())
    _status_set(membership, OrganisationMembershipStatus.LEFT, now=timezone.now())
    return membership


# --- Account deletion ---------------------------------------------------------------------------------


@transaction.atomic
def organisations_erase_for(*, user) -> None:
    """Delete the person's memberships and the open invitations to their addresses.

    An organisation whose last organiser this was is not left without a way in: its longest-serving active
    facilitator becomes organiser (recorded in the audit trail). With no facilitator either it stays, run by
    the site's editors in Wagtail's admin until someone is invited.
    """
    for membership in OrganisationMembership.objects.filter(user=user).select_related("organisation"):
        organisation = _locked(membership.organisation)
        if _is_last_organiser(membership):
            successor = (
                OrganisationMembership.objects.active()
                .filter(organisation=organisation, role=OrganisationRole.FACILITATOR)
                .order_by("joined_at", "pk")
                .select_related("user")
                .first()
            )
            if successor is not None:
                successor.role = OrganisationRole.ORGANISER
                successor.save(update_fields=["role"])
                audit_record(
                    actor=None,
                    action=audit_actions.ORGANISER_PROMOTED_ON_ERASURE,
                    subject=successor,
                    target=successor.user,
                    scope=organisation,
                )
                _tell_member(
                    successor,
                    by=None,
                    title=_("You are now organiser of %(organisation)s") % {"organisation": organisation.name},
                )
        membership.delete()
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) + [user.email]
    for address in {a.lower() for a in addresses if a}:
        OrganisationInvitation.objects.filter(email__iexact=address, accepted_at__isnull=True).delete()
    OrganisationInvitation.objects.filter(accepted_by=user).delete()
