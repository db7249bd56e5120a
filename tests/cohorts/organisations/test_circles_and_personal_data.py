"""Circles run with an organisation, the organisation filter of /circles/, personal data and the admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cohorts import services as circle_services
from cohorts.models import Circle, OrganisationInvitation, OrganisationMembership
from cohorts.organisations import services
from p2pu.accounts.services import account_delete
from p2pu.accounts.services.data_export import data_export_document
from p2pu.audit.models import AuditEntry
from tests.cohorts.factories import make_circle, make_course
from tests.cohorts.organisations.setup import add_member, make_organisation
from tests.cohorts.test_pages import start_form
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def facilitator(db):
    return UserFactory()


@pytest.fixture
def org(facilitator):
    organisation = make_organisation(name="Riverside Library")
    add_member(organisation, facilitator)
    return organisation


def form_data(organisation: str) -> dict:
    return {**start_form(), "organisation": organisation}


class TestCircleForm:
    def test_a_member_runs_a_circle_with_their_organisation(self, client, org, facilitator, site_tree):
        course = make_course()
        client.force_login(facilitator)
        page = client.get(reverse("cohorts:start", args=[course.pk])).text
        assert "Riverside Library" in page
        response = client.post(reverse("cohorts:start", args=[course.pk]), form_data(str(org.pk)))
        assert response.status_code == 302, response.text[:3000]
        circle = Circle.objects.get(name="Lunchtime readers")
        assert circle.organisation == org
        assert org.get_absolute_url() in client.get(circle.get_absolute_url()).text

    def test_someone_elses_organisation_is_refused(self, client, org, site_tree):
        course = make_course()
        outsider = UserFactory()
        elsewhere = make_organisation(organiser=outsider, name="Outsiders Together")
        client.force_login(outsider)
        response = client.post(reverse("cohorts:start", args=[course.pk]), form_data(str(org.pk)))
        assert response.status_code == 200 and not Circle.objects.exists()
        assert elsewhere.name in response.text

    def test_the_service_refuses_it_too(self, org, site_tree):
        with pytest.raises(PermissionDenied):
            make_circle(facilitator=UserFactory(), organisation=org)

    def test_a_removed_member_cannot_add_a_circle_to_it(self, org, facilitator, site_tree):
        circle = make_circle(facilitator=facilitator)
        organiser = org.memberships.organisers().get().user
        services.member_remove(membership=org.memberships.get(user=facilitator), by=organiser)
        with pytest.raises(PermissionDenied):
            circle_services.circle_update(circle=circle, by=facilitator, organisation=org)


def test_circles_filter_by_organisation_and_cards_link_to_it(client, org, facilitator, site_tree):
    make_circle(facilitator=facilitator, name="With the library", organisation=org)
    make_circle(name="On its own")
    everything = client.get(reverse("cohorts:list")).text
    assert "With the library" in everything and "On its own" in everything
    assert org.get_absolute_url() in everything
    filtered = client.get(reverse("cohorts:list"), {"org": org.slug}).text
    assert "With the library" in filtered and "On its own" not in filtered


class TestPersonalData:
    def test_memberships_and_invitations_are_in_the_download(self, org, facilitator):
        organiser = org.memberships.organisers().get().user
        elsewhere = make_organisation(organiser=organiser, name="Hillside College")
        services.invitation_send(organisation=elsewhere, by=organiser, email=facilitator.email, role="organiser")
        document = data_export_document(user=facilitator, files=[])
        [membership] = document["circles"]["organisations"]
        assert (membership["organisation"], membership["role"]) == ("Riverside Library", "facilitator")
        emails = {i["email"] for i in document["circles"]["organisation_invitations"]}
        assert emails == {facilitator.email}

    def test_deleting_an_account_erases_memberships_and_invitations(self, org, facilitator):
        organiser = org.memberships.organisers().get().user
        elsewhere = make_organisation(organiser=organiser, name="Hillside College")
        services.invitation_send(organisation=elsewhere, by=organiser, email=facilitator.email, role="organiser")
        account_delete(user=facilitator, keep_credit_names=False)
        assert not OrganisationMembership.objects.filter(organisation=org).exclude(user=organiser).exists()
        assert not OrganisationInvitation.objects.filter(email=facilitator.email).exists()

    def test_the_last_organisers_deletion_hands_the_organisation_to_its_longest_serving_facilitator(
        self, org, facilitator
    ):
        later = add_member(org).user
        organiser = org.memberships.organisers().get().user
        account_delete(user=organiser, keep_credit_names=False)
        assert list(org.memberships.organisers().values_list("user", flat=True)) == [facilitator.pk]
        assert org.memberships.get(user=later).role == "facilitator"
        assert AuditEntry.objects.filter(action="organisation.organiser_promoted_on_erasure", target=facilitator)

    def test_with_nobody_left_the_organisation_stays_for_site_editors(self, client):
        organiser = UserFactory()
        org = make_organisation(organiser=organiser, name="Lonely")
        account_delete(user=organiser, keep_credit_names=False)
        assert not org.memberships.exists()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        edit = reverse("organisation_admin:edit", args=[org.pk])
        assert client.get(edit).status_code == 200


class TestAdmin:
    @pytest.fixture
    def editor(self, db):
        return UserFactory(is_staff=True, is_superuser=True)

    def test_editors_list_inspect_and_edit(self, client, editor, org):
        client.force_login(editor)
        assert "Riverside Library" in client.get(reverse("organisation_admin:index")).text
        assert client.get(reverse("organisation_admin:inspect", args=[org.pk])).status_code == 200
        data = {"name": "Riverside Libraries", "slug": org.slug, "about": "", "city": "", "website": "", "logo": ""}
        assert client.post(reverse("organisation_admin:edit", args=[org.pk]), data).status_code == 302
        org.refresh_from_db()
        assert org.name == "Riverside Libraries"

    def test_no_adding_or_deleting_in_the_admin(self, client, editor, org):
        client.force_login(editor)
        assert client.get(reverse("organisation_admin:add")).status_code in (302, 403)
        client.post(reverse("organisation_admin:delete", args=[org.pk]))
        assert type(org).objects.filter(pk=org.pk).exists()

    def test_learners_have_no_admin(self, client, facilitator):
        client.force_login(facilitator)
        assert client.get(reverse("organisation_admin:index")).status_code in (302, 403)
