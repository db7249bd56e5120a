"""Review before publishing, and credit with consent: who approves, what blocks publishing, and the
editing features (comments, revisions, compare, autosave, concurrent-editing notices) learner authors get."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Revision, TaskState, WorkflowState

from courses import services
from courses.models import CoursePage, CreditRole, ModulePage
from p2pu.notifications.models import Notification
from tests.courses.authoring_setup import (
    coauthor,
    course_form_data,
    course_maintainer,
    edit_url,
    module_form_data,
    refused,
    site_editor,
    started_course,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def submit(client, page, **changes):
    return client.post(edit_url(page), course_form_data(page, **changes) | {"action-submit": "Submit"})


def task_state_of(page) -> TaskState:
    return WorkflowState.objects.for_instance(page).get(status="in_progress").current_task_state


def approve(client, page):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state_of(page).pk])
    return client.post(url, {"comment": ""})


@pytest.fixture
def course_in_review(client):
    """A course its maintainer has submitted for review; a second maintainer can review it."""
    course = started_course()
    reviewer = coauthor(course, role=CreditRole.MAINTAINER)
    client.force_login(course_maintainer(course))
    response = submit(client, course)
    assert response.status_code == 302
    return course, reviewer


class TestSubmittingForReview:
    def test_the_editor_offers_submit_for_review_and_no_publish_button(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        page = client.get(edit_url(course)).text
        assert "Submit for review" in page
        assert 'name="action-publish"' not in page

    def test_submitting_starts_the_course_review_and_tells_the_other_maintainers(self, client, course_in_review):
        course, reviewer = course_in_review
        state = WorkflowState.objects.for_instance(course).get()
        assert (state.status, state.workflow.name, state.requested_by) == (
            "in_progress",
            "Course review",
            course_maintainer(course),
        )
        notification = Notification.objects.get(recipient=reviewer, kind="course.review")
        assert notification.url == edit_url(course)
        assert not Notification.objects.filter(recipient=course_maintainer(course), kind="course.review")

    def test_without_another_maintainer_the_site_editors_hear_of_it(self, client):
        course = started_course()
        editor = site_editor()
        client.force_login(course_maintainer(course))
        submit(client, course)
        assert Notification.objects.filter(recipient=editor, kind="course.review").exists()

    def test_modules_are_created_and_submitted_through_the_same_review(self, client):
        course = started_course()
        client.force_login(course_maintainer(course))
        add_url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
        form = client.get(add_url)
        assert form.status_code == 200 and "Submit for review" in form.text
        response = client.post(add_url, module_form_data(title="Week 1", slug="week-1") | {"action-submit": "1"})
        assert response.status_code == 302
        module = ModulePage.objects.get()
        assert not module.live
        assert WorkflowState.objects.for_instance(module).get().status == "in_progress"


class TestApproving:
    def test_another_maintainer_approves_and_the_course_is_published(self, client, course_in_review):
        course, reviewer = course_in_review
        client.force_login(reviewer)
        actions = [name for name, *_ in task_state_of(course).task.specific.get_actions(course, reviewer)]
        assert actions == ["reject", "approve", "approve"]
        response = approve(client, course)
        assert response.status_code == 302
        course.refresh_from_db()
        assert course.live
        assert course.get_latest_revision().user == course_maintainer(course)
        assert WorkflowState.objects.for_instance(course).get().status == "approved"
        # Approving did not need, and did not give, Wagtail's publish permission.
        assert not course.permissions_for_user(reviewer).can_publish()

    def test_the_submitter_cannot_approve_their_own_submission(self, client, course_in_review):
        course, reviewer = course_in_review
        submitter = course_maintainer(course)
        client.force_login(submitter)
        assert task_state_of(course).task.specific.get_actions(course, submitter) == []
        assert refused(approve(client, course))
        course.refresh_from_db()
        assert not course.live

    def test_an_author_who_is_not_a_maintainer_cannot_approve(self, client, course_in_review):
        course, reviewer = course_in_review
        author = coauthor(course, role=CreditRole.AUTHOR)
        client.force_login(author)
        assert refused(approve(client, course))
        course.refresh_from_db()
        assert not course.live

    def test_a_maintainer_of_another_course_cannot_approve(self, client, course_in_review):
        course, reviewer = course_in_review
        other = started_course(title="Another course")
        client.force_login(course_maintainer(other))
        assert refused(approve(client, course))
        course.refresh_from_db()
        assert not course.live

    def test_a_site_editor_can_approve(self, client, course_in_review):
        course, reviewer = course_in_review
        client.force_login(site_editor())
        assert approve(client, course).status_code == 302
        course.refresh_from_db()
        assert course.live

    def test_requesting_changes_sends_it_back(self, client, course_in_review):
        course, reviewer = course_in_review
        client.force_login(reviewer)
        url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "reject", task_state_of(course).pk])
        assert client.post(url, {"comment": "Please add outcomes."}).status_code == 302
        state = WorkflowState.objects.for_instance(course).get()
        assert state.status == "needs_changes"
        assert state.current_task_state.comment == "Please add outcomes."
        course.refresh_from_db()
        assert not course.live

    def test_reviewers_find_it_on_their_dashboard_and_the_submitter_does_not(self, client, course_in_review):
        course, reviewer = course_in_review
        task = task_state_of(course).task.specific
        assert list(task.get_task_states_user_can_moderate(reviewer)) == [task_state_of(course)]
        assert not task.get_task_states_user_can_moderate(course_maintainer(course)).exists()
        assert not task.get_task_states_user_can_moderate(course_maintainer(started_course(title="B"))).exists()


class TestCreditWithConsent:
    def test_approval_waits_until_everyone_has_accepted(self, client, course_in_review):
        course, reviewer = course_in_review
        pending = services.external_credit_add(course=course, name="Ana Lima", role=CreditRole.ILLUSTRATOR)
        pending.accepted_at = None
        pending.save()
        client.force_login(reviewer)
        assert [name for name, *_ in task_state_of(course).task.specific.get_actions(course, reviewer)] == ["reject"]
        assert refused(approve(client, course))
        editor = client.get(edit_url(course))
        assert "be published yet" in editor.text and "Ana Lima (illustrator" in editor.text
        services.credit_accept(credit=pending, licences_shown=services.consent_terms(course))
        assert approve(client, course).status_code == 302
        course.refresh_from_db()
        assert course.live

    def test_a_site_editors_publish_is_refused_with_the_reason(self, client):
        course = started_course()
        author = coauthor(course)
        course.credits.filter(person=author).update(accepted_at=None)
        client.force_login(site_editor())
        response = client.post(edit_url(course), course_form_data(course) | {"action-publish": "1"}, follow=True)
        course.refresh_from_db()
        assert not course.live
        message = str(list(response.context["messages"])[-1])
        assert author.get_display_name() in message and "CC BY-SA 4.0" in message
        # The changes were kept as a draft revision.
        assert course.revisions.count() == 2

    def test_a_site_editors_bulk_publish_is_refused_too(self, client):
        course = started_course()
        course.credits.update(accepted_at=None)
        client.force_login(site_editor())
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={course.pk}"
        response = client.post(url, {"include_descendants": ""}, follow=True)
        course.refresh_from_db()
        assert not course.live
        assert "be published yet" in str(list(response.context["messages"])[-1])

    def test_changing_the_licence_asks_everyone_again(self, client, django_capture_on_commit_callbacks):
        course = started_course()
        author = coauthor(course)
        maintainer = course_maintainer(course)
        client.force_login(site_editor())
        client.post(edit_url(course), course_form_data(course) | {"action-publish": "1"})
        course.refresh_from_db()
        assert course.live

        client.force_login(maintainer)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(edit_url(course), course_form_data(course, licence="CC-BY-NC-SA-4.0"))
        # The author is asked (in the app and by e-mail); the maintainer who changed it sees it on their list.
        assert Notification.objects.filter(recipient=author, kind="course.credit_consent").exists()
        assert any("CC BY-NC-SA 4.0" in message.subject for message in mail.outbox if message.to == [author.email])
        client.force_login(author)
        credits_page = client.get("/courses/credits/")
        assert "Writing together" in credits_page.text and "CC BY-NC-SA 4.0" in credits_page.text

        client.force_login(site_editor())
        client.post(edit_url(course), course_form_data(course, licence="CC-BY-NC-SA-4.0") | {"action-publish": "1"})
        course.refresh_from_db()
        assert course.licence == "CC-BY-SA-4.0"  # still the old one: nobody has agreed yet
        # Meanwhile the live course keeps crediting everyone under the licence it is published with.
        assert {credit.person for credit in course.credits.public()} == {maintainer, author}

        for person in (maintainer, author):
            client.force_login(person)
            credit = course.credits.get(person=person)
            shown = client.get("/courses/credits/").context["credits"][0][3]
            accepted = client.post(reverse("courses:credit_accept", args=[credit.pk]), {"licences": shown})
            assert accepted.status_code == 302
        assert {credit.person for credit in course.credits.public()} == {maintainer, author}

        client.force_login(site_editor())
        client.post(edit_url(course), course_form_data(course, licence="CC-BY-NC-SA-4.0") | {"action-publish": "1"})
        course.refresh_from_db()
        assert course.licence == "CC-BY-NC-SA-4.0"
        assert set(course.credits.values_list("accepted_licence", "accepted_next_licence")) == {("CC-BY-NC-SA-4.0", "")}
        assert {credit.person for credit in course.credits.public()} == {maintainer, author}

    def test_a_draft_courses_licence_change_resets_consent(self, client):
        course = started_course()
        author = coauthor(course)
        client.force_login(course_maintainer(course))
        client.post(edit_url(course), course_form_data(course, licence="CC0-1.0"))
        course.refresh_from_db()
        assert course.licence == "CC0-1.0"
        assert {credit.person for credit in course.credits.pending()} == {course_maintainer(course), author}

    def test_the_credits_page_lists_only_the_persons_own(self, client):
        course = started_course()
        author = coauthor(course)
        course.credits.update(accepted_at=None)
        client.force_login(author)
        page = client.get("/courses/credits/")
        assert page.context["credits"][0][0].person == author and len(page.context["credits"]) == 1

    def test_declining_a_credit_takes_it_and_the_editing_rights_away(self, client):
        course = started_course()
        author = coauthor(course)
        credit = course.credits.get(person=author)
        client.force_login(author)
        assert client.post(reverse("courses:credit_decline", args=[credit.pk])).status_code == 302
        assert not course.credits.filter(person=author).exists()
        assert author not in course.authors_group.user_set.all()
        assert Notification.objects.filter(recipient=course_maintainer(course), kind="course.authors").exists()

    def test_the_only_maintainer_cannot_decline(self, client):
        course = started_course()
        maintainer = course_maintainer(course)
        credit = course.credits.get(person=maintainer)
        client.force_login(maintainer)
        response = client.post(reverse("courses:credit_decline", args=[credit.pk]), follow=True)
        assert "at least one maintainer" in response.text
        assert course.credits.filter(pk=credit.pk).exists()

    def test_nobody_accepts_or_declines_someone_elses_credit(self, client):
        course = started_course()
        author = coauthor(course)
        credit = course.credits.get(person=author)
        credit.accepted_at = None
        credit.save()
        for intruder in (UserFactory(), course_maintainer(course)):
            client.force_login(intruder)
            assert client.post(reverse("courses:credit_accept", args=[credit.pk])).status_code == 404
            assert client.post(reverse("courses:credit_decline", args=[credit.pk])).status_code == 404
        credit.refresh_from_db()
        assert credit.accepted_at is None

    def test_maintainers_confirm_external_credits_on_the_credits_page(self, client):
        course = started_course()
        external = services.external_credit_add(course=course, name="Ana Lima")
        external.accepted_at = None
        external.save()
        client.force_login(course_maintainer(course))
        page = client.get("/courses/credits/")
        assert "Ana Lima" in page.text and "Confirm" in page.text
        client.post(reverse("courses:credit_accept", args=[external.pk]), {"licences": course.licence})
        external.refresh_from_db()
        assert external.accepted_at is not None
        client.force_login(coauthor(course))  # an author, not a maintainer
        assert client.post(reverse("courses:credit_decline", args=[external.pk])).status_code == 404


class TestEditingTogether:
    def test_learner_authors_comment_on_fields(self, client):
        course = started_course()
        author = coauthor(course)
        client.force_login(author)
        editor = client.get(edit_url(course))
        assert "comments" in editor.context["form"].formsets
        data = course_form_data(course)
        data.update(
            {
                "comments-TOTAL_FORMS": "1",
                "comments-0-id": "",
                "comments-0-contentpath": "summary",
                "comments-0-text": "Shorter, perhaps?",
                "comments-0-position": "",
                "comments-0-resolved": "",
                "comments-0-replies-TOTAL_FORMS": "0",
                "comments-0-replies-INITIAL_FORMS": "0",
                "comments-0-replies-MIN_NUM_FORMS": "0",
                "comments-0-replies-MAX_NUM_FORMS": "1000",
            }
        )
        assert client.post(edit_url(course), data).status_code == 302
        comment = CoursePage.objects.get(pk=course.pk).wagtail_admin_comments.get()
        assert (comment.user, comment.contentpath, comment.text) == (author, "summary", "Shorter, perhaps?")

    def test_revisions_and_compare(self, client):
        course = started_course()
        author = coauthor(course)
        client.force_login(author)
        client.post(edit_url(course), course_form_data(course, summary="A clearer summary."))
        revisions = list(Revision.objects.for_instance(course).order_by("pk"))
        first, latest = revisions[0], revisions[-1]
        assert client.get(reverse("wagtailadmin_pages:history", args=[course.pk])).status_code == 200
        compare = reverse("wagtailadmin_pages:revisions_compare", args=[course.pk, first.pk, latest.pk])
        response = client.get(compare)
        assert response.status_code == 200 and "A clearer summary." in response.text
        revision_view = client.get(reverse("wagtailadmin_pages:revisions_view", args=[course.pk, first.pk]))
        assert revision_view.status_code == 200

    def test_autosave_and_concurrent_editing_notices_are_on(self, client):
        course = started_course()
        client.force_login(coauthor(course))
        editor = client.get(edit_url(course)).text
        assert "w-autosave" in editor
        assert "w-session" in editor  # the editing-sessions controller that shows who else is editing


class TestHearingAboutReviews:
    """Course reviews are told through the notifications service (once, e-mailed through Celery after the
    commit), not by Wagtail's in-request e-mail; other workflows keep Wagtail's."""

    def test_the_submitter_hears_that_it_was_approved(
        self, client, course_in_review, django_capture_on_commit_callbacks
    ):
        course, reviewer = course_in_review
        submitter = course_maintainer(course)
        client.force_login(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            approve(client, course)
        notification = Notification.objects.get(recipient=submitter, kind="course.review")
        course.refresh_from_db()
        assert "approved" in notification.title and notification.url == course.url
        assert [message.subject for message in mail.outbox if message.to == [submitter.email]] == [notification.title]

    def test_the_submitter_hears_which_changes_are_asked_for(self, client, course_in_review):
        course, reviewer = course_in_review
        client.force_login(reviewer)
        url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "reject", task_state_of(course).pk])
        client.post(url, {"comment": "Please add outcomes."})
        notification = Notification.objects.get(recipient=course_maintainer(course), kind="course.review")
        assert "changes" in notification.title and notification.body == "Please add outcomes."
        assert notification.url == edit_url(course)

    def test_site_editors_get_no_wagtail_email_for_a_course_submission(
        self, client, django_capture_on_commit_callbacks
    ):
        editor = site_editor()
        course = started_course()
        coauthor(course, role=CreditRole.MAINTAINER)
        client.force_login(course_maintainer(course))
        with django_capture_on_commit_callbacks(execute=True):
            submit(client, course)
        assert not [message for message in mail.outbox if editor.email in message.to]

    def test_other_workflows_keep_wagtails_email(self, home_page):
        editor = UserFactory()
        workflow = home_page.get_workflow()  # Wagtail's own "Moderators approval", from the root page
        state = workflow.start(home_page, editor)
        state.current_task_state.specific.approve(user=site_editor())
        assert [message for message in mail.outbox if message.to == [editor.email]]
