"""The organisation pages: the public page, creating and editing, members, invitations, and who is refused."""

import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from cohorts import services as circle_services
from cohorts.models import Organisation, OrganisationInvitation, OrganisationMembership
from cohorts.organisations import services
from p2pu.audit.models import AuditEntry
from p2pu.core.page_cache import HIT_HEADER
from tests.cohorts.factories import make_circle, make_course
from tests.cohorts.organisations.setup import add_member, make_organisation, organiser_of
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def org(organiser):
    return make_organisation(organiser=organiser, name="Riverside Library", about="Books and people.", city="Leeds")


def png(name="logo.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class TestPublicPage:
    def test_shows_the_organisation_its_people_and_listed_circles(self, client, org, site_tree):
        facilitator = add_member(org, UserFactory(display_name="Fatima Facilitator")).user
        course = make_course(title="Mapping rivers")
        make_circle(course=course, facilitator=facilitator, name="River walkers", organisation=org)
        make_circle(course=course, facilitator=facilitator, name="Hidden circle", organisation=org, listed=False)
        page = client.get(org.get_absolute_url()).text
        assert "Riverside Library" in page and "Books and people." in page and "Leeds" in page
        assert "Olga Organiser" in page and "Fatima Facilitator" in page
        assert "River walkers" in page and "Mapping rivers" in page
        assert "Hidden circle" not in page
        assert "Sign in to ask to join" in page

    @pytest.fixture
    def hidden(self, org, site_tree):
        """An unlisted circle of the organisation, facilitated by one of its members."""
        facilitator = add_member(org, UserFactory(display_name="Fatima Facilitator")).user
        return make_circle(facilitator=facilitator, name="Hidden circle", organisation=org, listed=False)

    @pytest.mark.parametrize("who", ["organiser", "facilitator"])
    def test_active_members_also_see_the_unlisted_circles_and_open_them(self, client, org, organiser, hidden, who):
        client.force_login(organiser if who == "organiser" else hidden.created_by)
        page = client.get(org.get_absolute_url()).text
        assert "Hidden circle" in page and "unlisted: shown to the organisation" in page
        assert client.get(hidden.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("who", ["anonymous", "stranger", "asked to join", "member of another organisation"])
    def test_nobody_else_sees_an_unlisted_circle(self, client, org, hidden, who):
        if who == "stranger":
            client.force_login(UserFactory())
        elif who == "asked to join":
            asker = UserFactory()
            services.join_request(organisation=org, user=asker, message="")
            client.force_login(asker)
        elif who == "member of another organisation":
            client.force_login(organiser_of(make_organisation(name="Hillside School")))
        assert "Hidden circle" not in client.get(org.get_absolute_url()).text
        assert client.get(hidden.get_absolute_url()).status_code == 404

    def test_organisers_see_the_embed_snippet_to_copy(self, client, organiser, settings):
        settings.SITE_URL = "https://learning.example.org"
        org = make_organisation(organiser=organiser, name='The "Riverside" Library')
        client.force_login(organiser)
        page = client.get(org.get_absolute_url()).text
        snippet = re.search(r'<textarea id="embed-snippet" readonly rows="3">([^<]*)</textarea>', page).group(1)
        # The page escapes the snippet once; what the organiser copies is markup with the name escaped once.
        assert html.unescape(snippet) == (
            '<iframe src="https://learning.example.org/embed/circles/?org=the-riverside-library"'
            ' title="Study circles by The &quot;Riverside&quot; Library" width="100%" height="600"'
            ' loading="lazy"></iframe>'
        )
        assert '<label for="embed-snippet">' in page
        assert 'href="/embed/circles/?org=the-riverside-library"' in page

    @pytest.mark.parametrize("who", ["anonymous", "facilitator", "requested", "removed organiser", "other organiser"])
    def test_no_one_else_sees_the_snippet(self, client, org, organiser, who):
        if who == "facilitator":
            client.force_login(add_member(org).user)
        elif who == "requested":
            asker = UserFactory()
            services.join_request(organisation=org, user=asker, message="")
            client.force_login(asker)
        elif who == "removed organiser":
            removed = add_member(org, role="organiser")
            services.member_remove(membership=removed, by=organiser)
            client.force_login(removed.user)
        elif who == "other organiser":
            client.force_login(organiser_of(make_organisation(name="Hillside Club")))
        page = client.get(org.get_absolute_url()).text
        assert "embed-snippet" not in page and "/embed/circles/" not in page

    def test_queries_do_not_grow_with_circles_and_members(
        self, client, org, site_tree, django_assert_num_queries, django_assert_max_num_queries
    ):
        course = make_course()

        def grow():
            facilitator = add_member(org).user
            make_circle(course=course, facilitator=facilitator, organisation=org)

        grow()
        client.get(org.get_absolute_url())  # the site and its settings are cached from the first request on
        with django_assert_max_num_queries(40) as few:
            client.get(org.get_absolute_url())
        for _ in range(4):
            grow()
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(org.get_absolute_url())

    def test_a_signed_in_person_asks_to_join_and_organisers_are_told(self, client, org, organiser):
        asker = UserFactory(display_name="Ada Asker")
        client.force_login(asker)
        response = client.post(reverse("organisations:join", args=[org.slug]), {"message": "I run a club."})
        assert response.status_code == 302
        assert org.memberships.get(user=asker).status == "requested"
        assert "the organisers will answer" in client.get(org.get_absolute_url()).text

    def test_a_refused_request_to_join_keeps_what_the_person_typed_beside_the_reason(self, client, org):
        asker = UserFactory()
        client.force_login(asker)
        typed = "I run a club. " + "x" * 2000
        response = client.post(reverse("organisations:join", args=[org.slug]), {"message": typed})
        assert response.status_code == 400
        form = response.context["join_form"]
        assert form["message"].value() == typed
        assert form.errors["message"]
        assert 'aria-invalid="true"' in response.text and typed in response.text
        assert not org.memberships.filter(user=asker).exists()

    def test_a_logo_is_served_to_everyone(self, client, org, organiser):
        client.force_login(organiser)
        data = {"name": org.name, "about": "", "city": "", "website": "", "logo": "", "logo_file": png()}
        assert client.post(reverse("organisations:edit", args=[org.slug]), data).status_code == 302
        org.refresh_from_db()
        assert org.logo is not None
        anonymous = Client()
        page = anonymous.get(org.get_absolute_url()).text
        tag = re.search(r'<img[^>]*class="organisation-logo"[^>]*>', page).group(0)
        rendition_url = re.search(r'src="([^"]+)"', tag).group(1)
        assert anonymous.get(rendition_url).status_code == 200
        assert anonymous.get(f"/media/{org.logo.file.name}").status_code == 200


class TestPageCache:
    @pytest.fixture(autouse=True)
    def page_cache(self, settings):
        settings.PAGE_CACHE_ENABLED = True

    def hit(self, client, org):
        return client.get(org.get_absolute_url())[HIT_HEADER] == "hit"

    def warm(self, client, org):
        client.get(org.get_absolute_url())
        assert self.hit(client, org)

    def test_a_members_view_with_unlisted_circles_is_never_stored_or_served_to_others(self, client, org, site_tree):
        facilitator = add_member(org).user
        make_circle(facilitator=facilitator, name="Hidden circle", organisation=org, listed=False)
        member = Client()
        member.force_login(facilitator)
        response = member.get(org.get_absolute_url())
        assert "Hidden circle" in response.text
        assert response.get(HIT_HEADER) is None
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

        first = client.get(org.get_absolute_url())
        assert first[HIT_HEADER] == "miss" and "Hidden circle" not in first.text
        assert self.hit(client, org) and "Hidden circle" not in client.get(org.get_absolute_url()).text
        assert "Hidden circle" in member.get(org.get_absolute_url()).text

    def test_edits_purge_the_page(self, client, org, organiser, django_capture_on_commit_callbacks):
        self.warm(client, org)
        fields = {"name": "Riverside Libraries", "about": "", "city": "", "website": "", "logo": None}
        with django_capture_on_commit_callbacks(execute=True):
            services.organisation_update(organisation=org, by=organiser, **fields)
        response = client.get(org.get_absolute_url())
        assert response[HIT_HEADER] == "miss" and "Riverside Libraries" in response.text

    def test_a_new_member_purges_the_page(self, client, org, django_capture_on_commit_callbacks):
        self.warm(client, org)
        with django_capture_on_commit_callbacks(execute=True):
            add_member(org, UserFactory(display_name="Newt Member"))
        assert "Newt Member" in client.get(org.get_absolute_url()).text

    def test_a_circle_joining_the_organisation_purges_the_page(
        self, client, org, organiser, site_tree, django_capture_on_commit_callbacks
    ):
        self.warm(client, org)
        with django_capture_on_commit_callbacks(execute=True):
            make_circle(facilitator=organiser, name="Fresh circle", organisation=org)
        assert "Fresh circle" in client.get(org.get_absolute_url()).text

    def test_a_circle_leaving_the_organisation_purges_the_page(
        self, client, org, organiser, site_tree, django_capture_on_commit_callbacks
    ):
        circle = make_circle(facilitator=organiser, name="Leaving circle", organisation=org)
        self.warm(client, org)
        with django_capture_on_commit_callbacks(execute=True):
            circle_services.circle_update(circle=circle, by=organiser, organisation=None)
        assert "Leaving circle" not in client.get(org.get_absolute_url()).text

    def test_another_organisation_changing_leaves_it_cached(self, client, org, django_capture_on_commit_callbacks):
        self.warm(client, org)
        with django_capture_on_commit_callbacks(execute=True):
            make_organisation(name="Elsewhere")
        assert self.hit(client, org)


class TestCreatingAndEditing:
    def test_a_verified_person_creates_one_and_becomes_its_organiser(self, client):
        person = UserFactory()
        client.force_login(person)
        data = {"name": "Hillside College", "about": "", "city": "York", "website": "hillside.example.org"}
        response = client.post(reverse("organisations:new"), data)
        org = Organisation.objects.get(name="Hillside College")
        assert response["Location"] == org.get_absolute_url()
        assert org.website == "https://hillside.example.org"
        assert org.memberships.organisers().get().user == person

    def test_an_unverified_person_is_refused(self, client):
        client.force_login(UserFactory(verified=False))
        assert client.get(reverse("organisations:new")).status_code == 403
        client.post(reverse("organisations:new"), {"name": "Sneaky"})
        assert not Organisation.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        assert "/accounts/login/" in client.get(reverse("organisations:new"))["Location"]


class TestMembersPage:
    def test_inviting_by_email_and_accepting_with_any_account(
        self, client, org, organiser, django_capture_on_commit_callbacks
    ):
        client.force_login(organiser)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisations:members", args=[org.slug]), {"email": "new@example.net", "role": "facilitator"}
            )
        assert response.status_code == 302
        [message] = [m for m in mail.outbox if m.to == ["new@example.net"]]
        link = next(word for word in message.body.split() if "/orgs/invitations/" in word)
        path = link.split("testserver")[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
        invitee = UserFactory(display_name="Ivy Invitee")
        other = Client()
        assert "/accounts/login/" in other.get(path)["Location"]
        other.force_login(invitee)
        assert "You are invited to" in other.get(path).text
        assert other.post(path).status_code == 302
        assert org.memberships.active().filter(user=invitee, role="facilitator").exists()
        assert other.get(path).status_code == 400

    def test_organisers_change_roles_and_remove_members(self, client, org, organiser):
        member = add_member(org)
        client.force_login(organiser)
        url = reverse("organisations:member_action", args=[org.slug, member.pk, "role"])
        client.post(url, {"role": "organiser"})
        member.refresh_from_db()
        assert member.role == "organiser"
        client.post(reverse("organisations:member_action", args=[org.slug, member.pk, "remove"]))
        member.refresh_from_db()
        assert member.status == "removed"

    def test_the_last_organiser_is_told_why_they_cannot_leave(self, client, org, organiser):
        client.force_login(organiser)
        response = client.post(reverse("organisations:leave", args=[org.slug]), follow=True)
        assert "at least one organiser" in response.text
        assert org.memberships.organisers().filter(user=organiser).exists()

    def test_members_page_queries_do_not_grow(
        self, client, org, organiser, django_assert_num_queries, django_assert_max_num_queries
    ):
        client.force_login(organiser)
        url = reverse("organisations:members", args=[org.slug])
        add_member(org)
        services.join_request(organisation=org, user=UserFactory(), message="hi")
        client.get(url)  # the session, the site and its settings are cached from the first request on
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        for n in range(4):
            add_member(org)
            services.join_request(organisation=org, user=UserFactory(), message="hi")
            services.invitation_send(organisation=org, by=organiser, email=f"p{n}@example.net", role="facilitator")
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(url)


# --- The wrong side of every management page ----------------------------------------------------------

WRONG_SIDE = ("anonymous", "facilitator, not organiser", "organiser of another organisation", "removed organiser")


@pytest.fixture
def wrong_side(org, organiser):
    """The four people who must not manage ``org``, and what a request of theirs must leave untouched."""
    facilitator = add_member(org).user
    elsewhere = make_organisation(name="Elsewhere").memberships.get().user
    removed = add_member(org, role="organiser")
    services.member_remove(membership=removed, by=organiser)
    request = services.join_request(organisation=org, user=UserFactory(), message="Please")
    invitation = services.invitation_send(organisation=org, by=organiser, email="x@example.net", role="organiser")
    people = {
        "anonymous": None,
        "facilitator, not organiser": facilitator,
        "organiser of another organisation": elsewhere,
        "removed organiser": removed.user,
    }
    urls = [
        reverse("organisations:edit", args=[org.slug]),
        reverse("organisations:members", args=[org.slug]),
        *(reverse("organisations:member_action", args=[org.slug, request.pk, a]) for a in ("approve", "decline")),
        reverse("organisations:member_action", args=[org.slug, removed.pk, "role"]),
        reverse("organisations:member_action", args=[org.slug, org.memberships.get(user=organiser).pk, "remove"]),
        reverse("organisations:invitation_revoke", args=[org.slug, invitation.pk]),
    ]
    return people, urls


def state(org):
    return (
        list(OrganisationMembership.objects.filter(organisation=org).values_list("pk", "role", "status")),
        list(OrganisationInvitation.objects.filter(organisation=org).values_list("pk", "revoked_at")),
        list(Organisation.objects.filter(pk=org.pk).values_list("name", "about")),
    )


@pytest.mark.parametrize("role", WRONG_SIDE)
def test_the_wrong_side_cannot_manage(client, org, wrong_side, role):
    people, urls = wrong_side
    if people[role] is not None:
        client.force_login(people[role])
    before = state(org)
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"name": "Taken over", "role": "organiser", "email": "a@b.org"})
            if response.status_code == 405:
                assert method == "get", url  # the buttons' URLs take only POST
            elif people[role] is None:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (url, method)
            else:
                assert response.status_code in (404, 405), (url, method, response.status_code)
    assert state(org) == before


def test_a_removed_organiser_is_refused_at_once(client, org, organiser):
    second = add_member(org, role="organiser")
    client.force_login(second.user)
    members = reverse("organisations:members", args=[org.slug])
    assert client.get(members).status_code == 200
    services.member_remove(membership=second, by=organiser)
    assert client.get(members).status_code == 404


class TestAdminEdit:
    def edit(self, client, org, **changes):
        fields = {"name": org.name, "slug": org.slug, "about": org.about, "city": org.city, "website": org.website}
        return client.post(reverse("organisation_admin:edit", args=[org.pk]), {**fields, "logo": "", **changes})

    def recorded(self, org) -> list[tuple]:
        return [
            (entry.action, entry.actor_id, entry.reason)
            for entry in AuditEntry.objects.about(org).filter(action__startswith="organisation.edited")
        ]

    def test_a_site_editor_editing_an_organisation_is_recorded(self, client, org):
        editor = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(editor)
        assert self.edit(client, org, name="Riverside Libraries", city="York").status_code == 302
        assert Organisation.objects.get(pk=org.pk).name == "Riverside Libraries"
        assert self.recorded(org) == [("organisation.edited_by_site_editor", editor.pk, "name, city")]

    def test_saving_without_a_change_records_nothing(self, client, org):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        assert self.edit(client, org).status_code == 302
        assert self.recorded(org) == []
