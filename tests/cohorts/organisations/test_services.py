"""Organisations' services: who may create one, invitations, requests, roles, leaving, and the last organiser."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cohorts.models import OrganisationInvitation, OrganisationMembership
from cohorts.organisations import services
from cohorts.organisations.permissions import is_organiser, organisation_for_organiser
from p2pu.audit.models import AuditEntry
from p2pu.core.rate_limits import RateLimited
from p2pu.notifications.models import Notification
from tests.cohorts.organisations.conftest import NOW
from tests.cohorts.organisations.setup import add_member, make_organisation
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def org(organiser):
    return make_organisation(organiser=organiser, name="Riverside Library")


class TestCreating:
    def test_the_creator_is_its_first_active_organiser(self, org, organiser):
        membership = OrganisationMembership.objects.get(organisation=org)
        assert (membership.user, membership.role, membership.status) == (organiser, "organiser", "active")
        assert org.slug == "riverside-library" and org.created_by == organiser

    def test_a_person_without_a_confirmed_address_is_refused(self):
        with pytest.raises(PermissionDenied):
            make_organisation(organiser=UserFactory(verified=False))

    def test_slugs_are_unique_and_never_a_page_of_orgs(self, org):
        assert make_organisation(name="Riverside Library").slug == "riverside-library-2"
        assert make_organisation(name="New").slug == "new-2"

    def test_texts_are_cleaned(self):
        assert make_organisation(name="  Tidy\nName  ").name == "Tidy Name"


class TestInvitations:
    def send(self, org, organiser, email="friend@example.net", role="facilitator"):
        return services.invitation_send(organisation=org, by=organiser, email=email, role=role)

    def test_the_email_carries_a_signed_link_that_works_once(self, org, organiser, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = self.send(org, organiser, email="Friend@Example.net")
        [message] = [m for m in mail.outbox if m.to == ["friend@example.net"]]
        token = services.invitation_token(invitation)
        assert f"/orgs/invitations/{token}/" in message.body and "Riverside Library" in message.subject
        anyone = UserFactory()
        membership = services.invitation_accept(token=token, user=anyone)
        assert (membership.role, membership.status, membership.invited_by) == ("facilitator", "active", organiser)
        with pytest.raises(ValidationError, match="already been used"):
            services.invitation_accept(token=token, user=UserFactory())

    def test_a_link_expires_after_the_invitation_lifetime(self, org, organiser):
        token = services.invitation_token(self.send(org, organiser))
        later = time_machine.travel(NOW + dt.timedelta(days=15), tick=False)
        with later, pytest.raises(ValidationError, match="expired"):
            services.invitation_accept(token=token, user=UserFactory())

    def test_a_forged_or_withdrawn_link_is_refused(self, org, organiser):
        invitation = self.send(org, organiser)
        token = services.invitation_token(invitation)
        with pytest.raises(ValidationError, match="not valid"):
            services.invitation_accept(token=token[:-2] + "xx", user=UserFactory())
        services.invitation_revoke(invitation=invitation, by=organiser)
        with pytest.raises(ValidationError, match="withdrawn"):
            services.invitation_accept(token=token, user=UserFactory())

    def test_a_new_invitation_to_the_same_address_replaces_the_open_one(self, org, organiser):
        first = self.send(org, organiser)
        self.send(org, organiser, role="organiser")
        first.refresh_from_db()
        assert first.revoked_at is not None
        assert OrganisationInvitation.objects.filter(revoked_at__isnull=True).get().role == "organiser"

    def test_invitations_are_rate_limited_per_sender_and_per_address(self, org, organiser, settings):
        settings.ORGANISATION_INVITE_RECEIVE_RATE = (2, 3600)
        settings.ORGANISATION_INVITE_SEND_RATE = (3, 3600)
        self.send(org, organiser)
        self.send(org, organiser)
        with pytest.raises(RateLimited):
            self.send(org, organiser)
        self.send(org, organiser, email="another@example.net")
        with pytest.raises(RateLimited):
            self.send(org, organiser, email="third@example.net")

    def test_only_organisers_invite(self, org):
        facilitator = add_member(org).user
        with pytest.raises(PermissionDenied):
            self.send(org, facilitator)

    def test_organisers_are_told_who_accepted(self, org, organiser):
        add_member(org, UserFactory(display_name="Fatima Facilitator"))
        assert Notification.objects.filter(recipient=organiser, kind="organisation.invitation_accepted").exists()


class TestAskingToJoin:
    def test_organisers_are_notified_and_approve(self, org, organiser):
        asker = UserFactory(display_name="Ada Asker")
        membership = services.join_request(organisation=org, user=asker, message="I run a book club.")
        notification = Notification.objects.get(recipient=organiser, kind="organisation.join_request")
        assert "Ada Asker" in notification.title and notification.body == "I run a book club."
        services.request_approve(membership=membership, by=organiser)
        membership.refresh_from_db()
        assert membership.is_active and membership.role == "facilitator"
        assert AuditEntry.objects.filter(action="organisation.request_approved", target=asker).exists()
        assert Notification.objects.filter(recipient=asker, kind="organisation.membership_changed").exists()

    def test_declining(self, org, organiser):
        membership = services.join_request(organisation=org, user=UserFactory(), message="")
        services.request_decline(membership=membership, by=organiser)
        membership.refresh_from_db()
        assert membership.status == "declined"

    def test_asking_is_rate_limited(self, org, settings):
        settings.ORGANISATION_JOIN_REQUEST_SEND_RATE = (2, 3600)
        asker = UserFactory()
        for _ in range(2):
            services.join_request(organisation=org, user=asker, message="")
            services.membership_leave(organisation=org, user=asker)
        with pytest.raises(RateLimited):
            services.join_request(organisation=org, user=asker, message="")

    def test_a_member_cannot_ask_again(self, org, organiser):
        with pytest.raises(ValidationError):
            services.join_request(organisation=org, user=organiser, message="")

    def test_a_facilitator_cannot_answer_requests(self, org):
        facilitator = add_member(org).user
        membership = services.join_request(organisation=org, user=UserFactory(), message="")
        with pytest.raises(PermissionDenied):
            services.request_approve(membership=membership, by=facilitator)


class TestTheLastOrganiser:
    def test_cannot_leave_be_removed_or_step_down(self, org, organiser):
        membership = org.memberships.get(user=organiser)
        with pytest.raises(ValidationError, match="at least one organiser"):
            services.membership_leave(organisation=org, user=organiser)
        with pytest.raises(ValidationError, match="at least one organiser"):
            services.member_remove(membership=membership, by=organiser)
        with pytest.raises(ValidationError, match="at least one organiser"):
            services.role_change(membership=membership, by=organiser, role="facilitator")
        assert is_organiser(organiser, org)

    def test_with_a_second_organiser_one_may_step_down(self, org, organiser):
        add_member(org, role="organiser")
        membership = services.role_change(
            membership=org.memberships.get(user=organiser), by=organiser, role="facilitator"
        )
        assert membership.role == "facilitator"
        entry = AuditEntry.objects.get(action="organisation.role_changed")
        assert entry.target == organiser and "organiser → facilitator" in entry.reason


class TestLosingPowers:
    def test_a_removed_organiser_loses_them_at_once(self, org, organiser):
        second = add_member(org, role="organiser")
        services.member_remove(membership=second, by=organiser)
        assert not is_organiser(second.user, org)
        with pytest.raises(PermissionDenied):
            services.invitation_send(organisation=org, by=second.user, email="x@example.net", role="facilitator")
        assert AuditEntry.objects.filter(action="organisation.member_removed", target=second.user).exists()

    def test_an_organiser_who_left_loses_them_at_once(self, org, organiser):
        second = add_member(org, role="organiser")
        services.membership_leave(organisation=org, user=second.user)
        with pytest.raises(Http404):
            organisation_for_organiser(second.user, org.slug)

    def test_a_demoted_organiser_loses_them_at_once(self, org, organiser):
        second = add_member(org, role="organiser")
        services.role_change(membership=second, by=organiser, role="facilitator")
        with pytest.raises(PermissionDenied):
            services.member_remove(membership=org.memberships.get(user=organiser), by=second.user)


class TestEditing:
    def test_organisers_edit_others_may_not(self, org, organiser):
        fields = {"name": "Riverside Libraries", "about": "", "city": "Leeds", "website": "", "logo": None}
        services.organisation_update(organisation=org, by=organiser, **fields)
        org.refresh_from_db()
        assert (org.name, org.city, org.slug) == ("Riverside Libraries", "Leeds", "riverside-library")
        with pytest.raises(PermissionDenied):
            services.organisation_update(organisation=org, by=add_member(org).user, **fields)

    def test_invitation_expiry_is_the_lifetime(self, org, organiser):
        invitation = services.invitation_send(organisation=org, by=organiser, email="a@example.net", role="organiser")
        assert invitation.expires_at == timezone.now() + dt.timedelta(days=14)
