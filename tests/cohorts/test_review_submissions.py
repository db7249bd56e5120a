"""Handing in work: drafts, submitting, versions and what changed, files, co-authors, and who may see it."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Submission, SubmissionAuthor, SubmissionVersion
from cohorts.review import services
from cohorts.review.forms import MAX_FILE_BYTES, validate_upload
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import ACTIVITY_ID, hand_in, pdf_upload, review_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rc(site_tree):
    return review_circle(learners=3)


def post_work(client, rc, *, action="submit", **data):
    return client.post(f"{rc.activity_url}submit/", {"action": action, **data})


def test_the_activity_page_shows_the_prompt_rubric_and_a_draft_form(client, rc):
    learner = rc.learners[0]
    client.force_login(learner)
    page = client.get(rc.activity_url).content.decode()
    assert "Share your plan" in page and "Plan a first meeting" not in page  # the block's prompt, not the module text
    assert "Write a short plan" in page
    assert "Clarity" in page and "Evidence" in page
    assert '<label for="id_text">Your work' in page
    assert "Save draft" in page and "Submit work" in page


def test_a_draft_is_private_and_kept_until_submitted(client, rc):
    learner, other = rc.learners[:2]
    client.force_login(learner)
    response = post_work(client, rc, action="save", text="Half a plan")
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == "draft" and submission.submitted_at is None
    assert "Half a plan" in client.get(rc.activity_url).content.decode()

    client.force_login(other)
    assert "Half a plan" not in client.get(rc.activity_url).content.decode()
    assert client.get(f"/circles/{rc.circle.pk}/submissions/{submission.pk}/").status_code == 404


def test_empty_work_is_refused_next_to_the_field(client, rc):
    client.force_login(rc.learners[0])
    response = post_work(client, rc, text="   ")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page and 'aria-invalid="true"' in page
    assert not Submission.objects.exists()


def test_a_refused_submit_keeps_the_draft_and_says_why_next_to_the_field(client, site_tree):
    rc = review_circle(learners=2, submission_type="file")
    client.force_login(rc.learners[0])
    response = post_work(client, rc, text="My note for reviewers")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Upload your file before submitting it." in page and "Your draft is saved" in page
    assert 'aria-invalid="true"' in page and "My note for reviewers" in page
    submission = Submission.objects.get()
    assert submission.state == "draft" and submission.versions.get().text == "My note for reviewers"


def test_an_invalid_link_changes_nothing_and_keeps_what_was_typed(client, site_tree):
    rc = review_circle(learners=2, submission_type="link")
    client.force_login(rc.learners[0])
    response = post_work(client, rc, link="javascript:alert(1)", text="My note")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in page and "My note" in page
    assert not Submission.objects.exists()


def test_submitting_work_and_revising_it_makes_versions_with_what_changed(client, rc):
    learner = rc.learners[0]
    client.force_login(learner)
    response = post_work(client, rc, text="Goal: meet\nStep one\nStep two")
    submission = Submission.objects.get()
    assert response.url == submission.get_absolute_url()
    assert submission.state == "submitted" and submission.submitted_at is not None

    post_work(client, rc, action="save", text="Goal: meet weekly\nStep one\nStep two", change_note="Sharper goal")
    assert submission.versions.count() == 2 and submission.versions.get(number=2).is_draft
    post_work(client, rc, text="Goal: meet weekly\nStep one\nStep two", change_note="Sharper goal")
    versions = list(submission.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and all(v.submitted_at for v in versions)
    submission.refresh_from_db()
    assert submission.submitted_at == versions[0].submitted_at  # its place in the queue stays

    page = client.get(submission.get_absolute_url()).content.decode()
    assert "What changed since version 1" in page and "Sharper goal" in page
    assert '<del><span class="visually-hidden">Removed: </span>- Goal: meet</del>' in page
    assert '<ins><span class="visually-hidden">Added: </span>+ Goal: meet weekly</ins>' in page


def test_text_is_formatted_but_never_trusted_as_html(client, rc):
    learner = rc.learners[0]
    hand_in(rc, learner, text="**Bold** idea <script>alert('x')</script>\n\n- see https://example.org/plan")
    client.force_login(learner)
    page = client.get(Submission.objects.get().get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert '<a href="https://example.org/plan" rel="nofollow ugc noopener">' in page


def test_files_are_limited_in_size_and_type_and_checked_by_content():
    validate_upload(pdf_upload())
    validate_upload(SimpleUploadedFile("notes.md", "# Plan\nÜbung".encode()))
    with pytest.raises(ValidationError, match="at most 10"):
        validate_upload(pdf_upload(size=MAX_FILE_BYTES + 1))
    with pytest.raises(ValidationError, match="kinds of file"):
        validate_upload(SimpleUploadedFile("run.exe", b"MZ" + b"0" * 100))
    with pytest.raises(ValidationError, match="content is not a .pdf"):
        validate_upload(SimpleUploadedFile("fake.pdf", b"just text pretending"))
    with pytest.raises(ValidationError, match="does not look like a .txt"):
        validate_upload(SimpleUploadedFile("image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50))


def test_file_work_is_downloaded_only_by_those_who_may_see_it(client, site_tree, settings):
    rc = review_circle(learners=3, submission_type="file")
    author, reviewer, bystander = rc.learners
    client.force_login(author)
    response = post_work(client, rc, file=pdf_upload())
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get()
    version = submission.versions.get()
    assert version.file_name == "plan.pdf" and version.file_size == 2000
    # Kept outside MEDIA_ROOT, which DEBUG serves to anyone.
    assert not Path(version.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    url = version.get_file_url()
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    hand_in_file = services.submission_save_draft(activity=rc.activity(), user=reviewer, file=pdf_upload("r.pdf"))
    services.submission_submit(submission=hand_in_file, by=reviewer)
    services.circle_activity_update(
        activity=rc.activity(),
        by=rc.facilitator,
        allocation_mode="rolling",
        due_at=rc.activity().due_at,
        review_days=7,
        stuck_after_days=10,
        release_after_days=7,
    )
    assignment = services.review_request_next(activity=rc.activity(), user=reviewer)
    assert assignment.submission == submission
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    for outsider in (bystander, UserFactory(), rc.facilitator):
        client.force_login(outsider)
        assert client.get(url).status_code == (200 if outsider == rc.facilitator else 404)
    client.logout()
    assert client.get(url).status_code in (302, 404)


def test_a_file_revision_keeps_the_file_unless_a_new_one_comes(site_tree):
    rc = review_circle(learners=2, submission_type="file")
    author = rc.learners[0]
    submission = services.submission_save_draft(activity=rc.activity(), user=author, file=pdf_upload())
    services.submission_submit(submission=submission, by=author)
    services.submission_save_draft(activity=rc.activity(), user=author, text="Now with a note")
    services.submission_submit(submission=submission, by=author)
    first, second = submission.versions.order_by("number")
    assert second.file.name == first.file.name and second.file_name == "plan.pdf"


def test_co_authors_share_the_work_and_can_each_have_only_one(site_tree):
    rc = review_circle(learners=4)
    first, second, third, _ = rc.learners
    activity = rc.activity()
    submission = services.submission_save_draft(activity=activity, user=first, text="Together", coauthors=[second])
    assert set(submission.authors.values_list("user", flat=True)) == {first.pk, second.pk}
    # The co-author edits the same draft; they cannot start work of their own.
    services.submission_save_draft(activity=activity, user=second, text="Together, better")
    assert Submission.objects.count() == 1
    with pytest.raises(ValidationError, match="cannot co-author"):
        services.submission_save_draft(activity=activity, user=third, text="Mine", coauthors=[first])
    with pytest.raises(PermissionDenied):
        services.submission_save_draft(activity=activity, user=second, text="x", coauthors=[third])
    services.submission_submit(submission=submission, by=second)
    with pytest.raises(PermissionDenied):
        services.submission_save_draft(activity=activity, user=first, text="x", coauthors=[])
    assert SubmissionAuthor.objects.filter(activity=activity).count() == 2


def test_only_active_learners_hand_in_work(client, rc):
    outsider_circle = make_circle(course=rc.circle.course, facilitator=UserFactory())
    member_elsewhere = join(outsider_circle).user
    activity = rc.activity()
    for person in (rc.facilitator, UserFactory(), member_elsewhere):
        with pytest.raises(PermissionDenied):
            services.submission_save_draft(activity=activity, user=person, text="Sneaky")
    for person, status in ((None, 302), (UserFactory(), 403), (member_elsewhere, 403)):
        client.logout()
        if person:
            client.force_login(person)
        assert client.get(rc.activity_url).status_code == status
        assert post_work(client, rc, text="Sneaky").status_code == status
    client.force_login(rc.facilitator)
    assert post_work(client, rc, text="Sneaky").status_code == 403
    assert not SubmissionVersion.objects.exists()


def test_an_activity_not_in_the_pinned_version_is_not_found(client, rc):
    client.force_login(rc.learners[0])
    assert client.get(f"/circles/{rc.circle.pk}/work/{rc.module.pk}/not-{ACTIVITY_ID}/").status_code == 404
