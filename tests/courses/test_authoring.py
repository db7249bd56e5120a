"""Learner authors: starting a course, its authoring space, inviting co-authors, answering invitations."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, WorkflowPage

from courses import services
from courses.models import CourseCredit, CourseIndexPage, CourseInvitation, CoursePage, CreditRole, InvitationStatus
from home.models import SiteSettings
from p2pu.notifications.models import Notification
from tests.courses.authoring_setup import (
    coauthor,
    course_maintainer,
    edit_url,
    learner_authors_group,
    refused,
    started_course,
)
from tests.courses.factories import course_index
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def authors_url(course) -> str:
    return reverse("courses_authoring:authors", args=[course.pk])


class TestStartACourse:
    def test_anonymous_visitors_are_asked_to_sign_in(self, client):
        response = client.get("/courses/start/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_people_who_have_not_confirmed_their_address_cannot(self, client):
        course_index()
        client.force_login(UserFactory(verified=False))
        assert client.get("/courses/start/").status_code == 403
        response = client.post("/courses/start/", {"title": "T", "summary": "S", "licence": "CC-BY-4.0"})
        assert response.status_code == 403
        assert not CoursePage.objects.exists()

    def test_the_form_suggests_the_sites_default_licence(self, client, site_tree):
        course_index()
        settings = SiteSettings.for_site(site_tree)
        settings.default_licence = "CC-BY-NC-4.0"
        settings.save()
        client.force_login(UserFactory())
        response = client.get("/courses/start/")
        assert response.status_code == 200
        assert response.context["form"]["licence"].value() == "CC-BY-NC-4.0"
        assert '<label for="id_title">Course title</label>' in response.text

    def test_bad_input_is_explained_and_changes_nothing(self, client):
        course_index()
        client.force_login(UserFactory())
        response = client.post("/courses/start/", {"title": "", "summary": "S", "licence": "nope"})
        assert response.status_code == 200
        assert response.context["form"].errors.keys() == {"title", "licence"}
        assert not CoursePage.objects.exists()

    def test_starting_creates_a_draft_with_its_authoring_space(self, client):
        catalog = course_index()
        learner = UserFactory()
        client.force_login(learner)
        response = client.post(
            "/courses/start/", {"title": "Soil for beginners", "summary": "Dig in.", "licence": "CC-BY-4.0"}
        )
        course = CoursePage.objects.get()
        assert response.status_code == 302
        assert response["Location"] == edit_url(course)
        assert not course.live and course.get_parent().pk == catalog.pk
        assert (course.title, course.summary, course.licence, course.owner) == (
            "Soil for beginners",
            "Dig in.",
            "CC-BY-4.0",
            learner,
        )
        credit = course.credits.get()
        assert (credit.person, credit.role, credit.accepted_licence) == (learner, CreditRole.MAINTAINER, "CC-BY-4.0")
        assert credit.accepted_at is not None
        # Its own collection, and a group holding Wagtail's permissions on the page and the collection.
        assert course.collection.get_parent() == Collection.get_first_root_node()
        group = course.authors_group
        assert set(
            GroupPagePermission.objects.filter(group=group, page=course).values_list("permission__codename", flat=True)
        ) == {"add_page", "change_page"}
        assert set(
            GroupCollectionPermission.objects.filter(group=group, collection=course.collection).values_list(
                "permission__codename", flat=True
            )
        ) == {"add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"}
        assert list(group.user_set.all()) == [learner]
        assert learner in learner_authors_group().user_set.all()
        assert list(learner_authors_group().permissions.values_list("codename", flat=True)) == ["access_admin"]
        # Every course under the catalog is reviewed before it is published.
        assert WorkflowPage.objects.get(page=catalog).workflow.name == "Course review"
        assert client.get(edit_url(course)).status_code == 200

    def test_the_authoring_space_survives_its_revisions(self):
        course = started_course()
        first_revision = course.revisions.order_by("created_at").first()
        restored = first_revision.as_object()
        assert (restored.collection_id, restored.authors_group_id) == (course.collection_id, course.authors_group_id)

    def test_ensuring_the_space_again_changes_nothing(self):
        course = started_course()
        counts = (
            GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count(),
            Collection.objects.count(),
            WorkflowPage.objects.count(),
        )
        services.course_authoring_ensure(course=CoursePage.objects.get(pk=course.pk))
        assert counts == (
            GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count(),
            Collection.objects.count(),
            WorkflowPage.objects.count(),
        )

    def test_slugs_never_shadow_the_authoring_pages(self):
        assert started_course(title="Start").slug == "start-course"
        assert started_course(title="Credits").slug == "credits-course"
        assert started_course(title="Soil").slug == "soil"
        assert started_course(title="Soil").slug == "soil-1"

    def test_the_catalog_links_to_the_form(self, client):
        catalog = course_index()
        catalog.save_revision().publish()
        assert 'href="/courses/start/">Start a course</a>' in client.get("/courses/").text


class TestInvitingCoAuthors:
    def test_a_person_with_an_account_is_notified_in_the_app_and_by_email(
        self, client, django_capture_on_commit_callbacks
    ):
        course = started_course()
        invitee = UserFactory()
        client.force_login(course_maintainer(course))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                authors_url(course), {"action": "invite", "email": invitee.email.upper(), "role": "author"}
            )
        assert response.status_code == 302
        invitation = CourseInvitation.objects.get()
        assert (invitation.email, invitation.role, invitation.status) == (invitee.email, "author", "pending")
        notification = Notification.objects.get(recipient=invitee, kind="course.invitation")
        assert notification.url == f"/courses/invitations/{invitation.token}/"
        assert "Writing together" in notification.title
        [message] = [m for m in mail.outbox if m.to == [invitee.email]]
        assert f"/courses/invitations/{invitation.token}/" in message.body

    def test_someone_without_an_account_gets_an_email_they_can_use_after_signing_up(
        self, client, django_capture_on_commit_callbacks
    ):
        course = started_course()
        client.force_login(course_maintainer(course))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(authors_url(course), {"action": "invite", "email": "new.person@example.net", "role": "editor"})
        invitation = CourseInvitation.objects.get()
        [message] = [m for m in mail.outbox if m.to == ["new.person@example.net"]]
        assert f"/courses/invitations/{invitation.token}/" in message.body
        assert "/accounts/signup/" in message.body
        assert not Notification.objects.filter(kind="course.invitation").exists()

    def test_the_same_address_is_not_invited_twice_while_waiting(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        client.post(authors_url(course), {"action": "invite", "email": "a@example.net", "role": "author"})
        response = client.post(authors_url(course), {"action": "invite", "email": "A@example.net", "role": "author"})
        assert response.status_code == 400
        assert "already been invited" in str(response.context["invitation_form"].errors["email"])
        assert CourseInvitation.objects.count() == 1

    def test_an_expired_invitation_gives_way_to_a_new_one(self, settings):
        course = started_course()
        first = services.coauthor_invite(course=course, invited_by=course_maintainer(course), email="a@example.net")
        CourseInvitation.objects.filter(pk=first.pk).update(
            created_at=timezone.now() - dt.timedelta(seconds=settings.SIGNED_LINK_MAX_AGE + 1)
        )
        second = services.coauthor_invite(course=course, invited_by=course_maintainer(course), email="a@example.net")
        first.refresh_from_db()
        assert (first.status, second.status) == (InvitationStatus.REVOKED, InvitationStatus.PENDING)

    def test_bad_input_is_explained(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        response = client.post(authors_url(course), {"action": "invite", "email": "not an address", "role": "boss"})
        assert response.status_code == 400
        assert response.context["invitation_form"].errors.keys() == {"email", "role"}
        assert not CourseInvitation.objects.exists()


class TestAnsweringAnInvitation:
    @pytest.fixture
    def invited(self):
        course = started_course()
        invitee = UserFactory()
        invitation = services.coauthor_invite(
            course=course, invited_by=course_maintainer(course), email=invitee.email, role="maintainer"
        )
        return course, invitee, invitation

    def test_accepting_credits_them_and_lets_them_edit(self, client, invited):
        course, invitee, invitation = invited
        inviter = course_maintainer(course)
        client.force_login(invitee)
        page = client.get(invitation_url := f"/courses/invitations/{invitation.token}/")
        assert page.status_code == 200
        assert "Accept invitation" in page.text and "CC BY-SA 4.0" in page.text
        response = client.post(invitation_url, {"answer": "accept", "licences": "CC-BY-SA-4.0"})
        assert response.status_code == 302 and response["Location"] == edit_url(course)
        credit = course.credits.get(person=invitee)
        assert (credit.role, credit.accepted_licence) == ("maintainer", "CC-BY-SA-4.0")
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_at is not None
        assert invitee in course.authors_group.user_set.all()
        assert client.get(edit_url(course)).status_code == 200
        assert Notification.objects.filter(recipient=inviter, kind="course.authors").exists()

    def test_declining_changes_nothing_but_the_invitation(self, client, invited):
        course, invitee, invitation = invited
        client.force_login(invitee)
        response = client.post(f"/courses/invitations/{invitation.token}/", {"answer": "decline"})
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.DECLINED
        assert not course.credits.filter(person=invitee).exists()
        assert invitee not in course.authors_group.user_set.all()

    def test_an_invitation_is_answered_once(self, client, invited):
        course, invitee, invitation = invited
        client.force_login(invitee)
        client.post(f"/courses/invitations/{invitation.token}/", {"answer": "decline"})
        assert client.post(f"/courses/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 403
        assert not course.credits.filter(person=invitee).exists()
        assert "already been answered" in client.get(f"/courses/invitations/{invitation.token}/").text

    def test_someone_else_with_the_link_cannot_answer(self, client, invited):
        course, invitee, invitation = invited
        client.force_login(UserFactory())
        page = client.get(f"/courses/invitations/{invitation.token}/")
        assert "sent to another e-mail address" in page.text
        assert client.post(f"/courses/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 403
        assert course.credits.count() == 1

    def test_an_unconfirmed_address_cannot_answer(self, client, invited):
        course, invitee, invitation = invited
        invitee.emailaddress_set.update(verified=False)
        client.force_login(invitee)
        assert client.post(f"/courses/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 403

    def test_anonymous_visitors_are_offered_sign_in_and_sign_up(self, client, invited):
        course, invitee, invitation = invited
        page = client.get(url := f"/courses/invitations/{invitation.token}/")
        assert f"{reverse('account_login')}?next={url}" in page.text
        assert f"{reverse('account_signup')}?next={url}" in page.text
        assert client.post(url, {"answer": "accept"}).status_code == 403

    def test_an_unknown_token_is_not_found(self, client):
        assert client.get("/courses/invitations/00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_a_withdrawn_invitation_no_longer_works(self, client, invited):
        course, invitee, invitation = invited
        client.force_login(course_maintainer(course))
        client.post(reverse("courses_authoring:invitation_revoke", args=[course.pk, invitation.pk]))
        client.force_login(invitee)
        assert client.post(f"/courses/invitations/{invitation.token}/", {"answer": "accept"}).status_code == 403

    def test_signing_up_with_the_invited_address_then_accepting(self, client, django_capture_on_commit_callbacks):
        course = started_course()
        invitation = services.coauthor_invite(
            course=course, invited_by=course_maintainer(course), email="newcomer@example.net"
        )
        newcomer = UserFactory(username="newcomer", email="newcomer@example.net")
        client.force_login(newcomer)
        client.post(f"/courses/invitations/{invitation.token}/", {"answer": "accept", "licences": "CC-BY-SA-4.0"})
        assert course.credits.filter(person=newcomer, role=CreditRole.AUTHOR).exists()


class TestManagingAuthors:
    def test_maintainers_remove_co_authors_who_then_lose_access(self, client):
        course = started_course()
        author = coauthor(course)
        client.force_login(course_maintainer(course))
        credit = course.credits.get(person=author)
        response = client.post(reverse("courses_authoring:credit_remove", args=[course.pk, credit.pk]))
        assert response.status_code == 302
        assert not CourseCredit.objects.filter(pk=credit.pk).exists()
        assert author not in course.authors_group.user_set.all()
        assert author not in learner_authors_group().user_set.all()
        assert Notification.objects.filter(recipient=author, kind="course.authors").exists()
        client.force_login(author)
        assert client.get(edit_url(course)).status_code == 302  # no admin access left: off to the login page

    def test_the_last_maintainer_stays(self, client):
        course = started_course()
        maintainer = course_maintainer(course)
        client.force_login(maintainer)
        credit = course.credits.get(person=maintainer)
        response = client.post(reverse("courses_authoring:credit_remove", args=[course.pk, credit.pk]), follow=True)
        assert "at least one maintainer" in response.text
        assert CourseCredit.objects.filter(pk=credit.pk).exists()

    def test_someone_credited_on_two_courses_keeps_the_admin_for_the_other(self):
        first, second = started_course(title="First"), started_course(title="Second")
        author = coauthor(first)
        coauthor(second, person=author)
        services.coauthor_remove(credit=first.credits.get(person=author), removed_by=course_maintainer(first))
        assert author in learner_authors_group().user_set.all()
        assert author not in first.authors_group.user_set.all()

    def test_external_credits_are_confirmed_by_the_maintainer(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        response = client.post(
            authors_url(course),
            {"action": "external", "name": "Ana Lima", "url": "https://ana.example.org/", "role": "illustrator"},
        )
        assert response.status_code == 302
        credit = course.credits.get(external_name="Ana Lima")
        assert (credit.external_url, credit.role, credit.accepted_licence) == (
            "https://ana.example.org/",
            "illustrator",
            "CC-BY-SA-4.0",
        )

    def test_maintainers_confirm_external_credits_on_the_authors_page(self, client):
        course = started_course()
        external = services.external_credit_add(course=course, name="Ana Lima")
        CourseCredit.objects.filter(pk=external.pk).update(accepted_at=None)
        confirm = reverse("courses_authoring:credit_confirm", args=[course.pk, external.pk])
        client.force_login(coauthor(course))  # an author, not a maintainer
        assert refused(client.post(confirm, {"licences": course.licence}))
        client.force_login(course_maintainer(course))
        assert client.post(confirm, {"licences": course.licence}).status_code == 302
        external.refresh_from_db()
        assert external.accepted_at is not None and external.accepted_licence == course.licence

    def test_external_credit_links_must_be_web_addresses(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        response = client.post(
            authors_url(course), {"action": "external", "name": "X", "url": "javascript:alert(1)", "role": "author"}
        )
        assert response.status_code == 400
        assert not course.credits.filter(external_name="X").exists()

    def test_co_authors_see_the_authors_page_but_cannot_change_it(self, client):
        course = started_course()
        author = coauthor(course)
        client.force_login(author)
        page = client.get(authors_url(course))
        assert page.status_code == 200 and "Send invitation" not in page.text
        response = client.post(authors_url(course), {"action": "invite", "email": "x@example.net", "role": "author"})
        assert refused(response)
        credit = course.credits.get(person=course_maintainer(course))
        assert refused(client.post(reverse("courses_authoring:credit_remove", args=[course.pk, credit.pk])))
        assert not CourseInvitation.objects.filter(status="pending").exists()
        assert CourseCredit.objects.filter(pk=credit.pk).exists()

    def test_the_course_editor_links_to_the_authors_page(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        assert authors_url(course) in client.get(edit_url(course)).text


def test_every_course_under_the_catalog_uses_one_workflow():
    started_course(title="A")
    started_course(title="B")
    assert WorkflowPage.objects.filter(page=CourseIndexPage.objects.get()).count() == 1


def test_the_demo_courses_are_written_by_their_credited_people(site_tree, client):
    from home.seed import seed_people
    from home.seed_courses import seed_courses

    seed_people()
    courses = seed_courses()
    seed_courses()  # idempotent
    assert WorkflowPage.objects.get(page=CourseIndexPage.objects.get()).workflow.name == "Course review"
    for course in courses:
        credited = set(course.credits.exclude(person=None).values_list("person", flat=True))
        assert set(course.authors_group.user_set.values_list("pk", flat=True)) == credited
        client.force_login(course.credits.exclude(person=None).first().person)
        assert client.get(edit_url(course)).status_code == 200
