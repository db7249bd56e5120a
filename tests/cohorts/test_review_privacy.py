"""Who sees what in peer review, tested from the side that must be refused.

- Non-members, members of another circle, other learners and other circles' facilitators see no work.
- A reviewer sees only the work handed to them, never other reviews of it.
- An author never learns an anonymous reviewer's identity: on any page they can reach, in any
  notification or e-mail, in the CSV (which they cannot download), or in the API.
"""

import pytest
from django.core import mail
from django.urls import reverse

from cohorts.models import ReviewAssignment
from cohorts.review import notification_kinds, services
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import hand_in, pdf_upload, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET_WORK = "A plan that only its reviewers may read"


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def round_done(site_tree, django_capture_on_commit_callbacks):
    """Seven learners (k = 2, so nobody reviews someone who reviews them); every review written.

    The first learner's work gets distinctive reviewers; one review is flagged and hidden, one rated.
    E-mails go out as they would after each commit.
    """
    with django_capture_on_commit_callbacks(execute=True):
        names = ("Alice Author", *(f"Zed{letter} Quillfeather" for letter in "BCDEFG"))
        rc = review_circle(learners=7, k=2, names=names)
        author = rc.learners[0]
        work = hand_in(rc, author, text=SECRET_WORK)
        for learner in rc.learners[1:]:
            hand_in(rc, learner)
        services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
        for assignment in ReviewAssignment.objects.all():
            review_done(assignment, comment=f"Review by someone, number {assignment.pk}")
        first, second = ReviewAssignment.objects.filter(submission=work).order_by("pk")
        services.review_rate(review=first.review, by=author, helpfulness=5)
        flag = services.review_flag(review=second.review, by=author, reason="hurtful", explanation="Mean.")
        services.flag_resolve(
            flag=flag, by=rc.facilitator, hide_review=True, ask_for_another=True, note="Hidden, sorry."
        )
    reviewers = set(ReviewAssignment.objects.filter(submission=work).values_list("reviewer", flat=True))
    return rc, work, [p for p in rc.learners if p.pk in reviewers]


def identity_of(person) -> list[str]:
    return [person.username, person.get_display_name(), person.email]


def author_pages(client, rc, work) -> dict[str, str]:
    """Every page about peer review the author can reach, by URL."""
    author = rc.learners[0]
    as_user(client, author)
    urls = [
        "/me/",
        "/notifications/",
        reverse("cohorts:review:overview", args=[rc.circle.pk]),
        rc.activity_url,
        work.get_absolute_url(),
        rc.circle.pinned_modules.get(module=rc.module).get_absolute_url(),
        rc.module.url,
        "/api/v2/pages/?type=courses.ModulePage&fields=*",
        f"/api/v2/pages/{rc.module.pk}/",
    ]
    urls += [a.get_absolute_url() for a in ReviewAssignment.objects.filter(reviewer=author)]
    urls += [
        reverse("cohorts:review:flag", args=[rc.circle.pk, review.pk])
        for review in work.reviews.filter(hidden_at__isnull=True)
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_an_author_never_learns_who_reviewed_them_anywhere(client, round_done):
    rc, work, reviewers = round_done
    author = rc.learners[0]
    assert len(reviewers) == 3  # two first, one more after the hidden review
    pages = author_pages(client, rc, work)
    assert SECRET_WORK in pages[work.get_absolute_url()]
    assert "Reviewer 1" in pages[work.get_absolute_url()]  # the reviews are there, unnamed
    notifications = [f"{n.title} {n.body} {n.actor_id}" for n in Notification.objects.filter(recipient=author)]
    assert any("has a new review" in text for text in notifications)
    assert all(n.actor_id is None for n in Notification.objects.filter(recipient=author))
    emails = [
        " ".join([m.subject, m.body, *(content for content, _ in getattr(m, "alternatives", []))])
        for m in mail.outbox
        if author.email in m.to
    ]
    assert emails
    for reviewer in reviewers:
        for secret in identity_of(reviewer):
            for url, page in pages.items():
                assert secret not in page, (secret, url)
            for text in notifications + emails:
                assert secret not in text, secret
    # The facilitators' CSV names everyone, so authors cannot download it.
    csv_url = reverse("cohorts:review:progress_csv", args=[rc.circle.pk, rc.activity().pk])
    assert as_user(client, author).get(csv_url).status_code == 403


def test_facilitators_see_who_reviewed_whom(client, round_done):
    rc, work, reviewers = round_done
    as_user(client, rc.facilitator)
    page = client.get(work.get_absolute_url()).content.decode()
    assert all(reviewer.get_display_name() in page for reviewer in reviewers)
    csv = client.get(reverse("cohorts:review:progress_csv", args=[rc.circle.pk, rc.activity().pk])).content.decode()
    assert "Alice Author" in csv


def test_in_an_open_circle_authors_see_their_reviewers(client, site_tree):
    rc = review_circle(learners=4, names=("Olive Open", "Rex Reviewer", "Sam Second", "Tia Third"))
    rc.circle.review_anonymity = "open"
    rc.circle.save()
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.filter(submission=work[0]).first()
    review_done(assignment)
    page = as_user(client, rc.learners[0]).get(work[0].get_absolute_url()).content.decode()
    assert assignment.reviewer.get_display_name() in page
    note = Notification.objects.get(recipient=rc.learners[0], kind=notification_kinds.RECEIVED)
    assert note.actor == assignment.reviewer


def test_double_blind_hides_the_author_from_the_reviewer(client, site_tree):
    rc = review_circle(learners=3, names=("Hidden Author", "Blind Reviewer", "Third Person"))
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.filter(submission=work[0]).first()
    reviewer_page = as_user(client, assignment.reviewer).get(assignment.get_absolute_url()).content.decode()
    assert "Hidden Author" in reviewer_page  # the default: reviewers see whose work it is
    rc.circle.review_anonymity = "double_blind"
    rc.circle.save()
    reviewer_page = client.get(assignment.get_absolute_url()).content.decode()
    assert "Hidden Author" not in reviewer_page and "a piece of work" in reviewer_page


def test_a_reviewer_sees_only_the_work_handed_to_them(client, site_tree):
    rc = review_circle(learners=5, k=1)
    work = [hand_in(rc, learner, text=f"Work number {i}") for i, learner in enumerate(rc.learners)]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    mine = ReviewAssignment.objects.get(reviewer=rc.learners[0])
    others = ReviewAssignment.objects.exclude(pk=mine.pk)
    as_user(client, rc.learners[0])
    page = client.get(mine.get_absolute_url()).content.decode()
    index = work.index(mine.submission)
    assert f"Work number {index}" in page
    assert client.get(mine.submission.get_absolute_url()).url == mine.get_absolute_url()
    for submission in work:
        if submission not in (mine.submission, work[0]):
            assert client.get(submission.get_absolute_url()).status_code == 404
    for assignment in others:
        assert client.get(assignment.get_absolute_url()).status_code == 404
    # Other reviews of the same work stay out of sight.
    review_done(mine)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert page.count("Clear goal; add timings.") == 1


def test_the_wrong_side_sees_no_work_and_changes_nothing(client, site_tree):
    rc = review_circle(learners=5, k=2)
    work = [hand_in(rc, learner, text=SECRET_WORK) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.filter(submission=work[0]).first()
    review = review_done(assignment)
    flag = services.review_flag(review=review, by=rc.learners[0], reason="other", explanation="Hm.")
    activity = rc.activity()
    circle = rc.circle.pk
    other_circle = make_circle(course=rc.circle.course, facilitator=UserFactory())
    # Someone in the circle who neither wrote the work nor reviews it.
    reviewers_of_work = set(ReviewAssignment.objects.filter(submission=work[0]).values_list("reviewer", flat=True))
    bystander = next(p for p in rc.learners[1:] if p.pk not in reviewers_of_work)
    wrong_side = [
        ("anonymous", None),
        ("signed-in stranger", UserFactory()),
        ("member of another circle", join(other_circle).user),
        ("facilitator of another circle", other_circle.memberships.get(role="facilitator").user),
        ("learner in the circle", bystander),
    ]
    reads = [
        work[0].get_absolute_url(),
        reverse("cohorts:review:file", args=[circle, work[0].pk, 1]),
        assignment.get_absolute_url(),
        reverse("cohorts:review:flag", args=[circle, review.pk]),
        reverse("cohorts:review:progress", args=[circle, activity.pk]),
        reverse("cohorts:review:progress_csv", args=[circle, activity.pk]),
        reverse("cohorts:review:moderation", args=[circle]),
    ]
    writes = [
        (
            reverse("cohorts:review:review_save", args=[circle, assignment.pk]),
            {"action": "save", "overall_comment": "x"},
        ),
        (reverse("cohorts:review:rate", args=[circle, review.pk]), {"helpfulness": 1}),
        (reverse("cohorts:review:flag", args=[circle, review.pk]), {"reason": "other", "explanation": "x"}),
        (reverse("cohorts:review:allocate", args=[circle, activity.pk]), {}),
        (reverse("cohorts:review:take", args=[circle, work[0].pk]), {}),
        (reverse("cohorts:review:release", args=[circle, work[0].pk]), {}),
        (reverse("cohorts:review:resolve", args=[circle, flag.pk]), {f"flag-{flag.pk}-hide_review": "on"}),
        (reverse("cohorts:review:settings", args=[circle]), {"review_anonymity": "open"}),
        (f"{rc.activity_url}settings/", {"allocation_mode": "rolling"}),
        (f"{rc.activity_url}review-next/", {}),
    ]
    for label, person in wrong_side:
        as_user(client, person)
        for url in reads:
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (label, url)
            assert SECRET_WORK not in response.content.decode(), (label, url)
        for url, data in writes:
            assert client.post(url, data).status_code in (302, 403, 404), (label, url)
    review.refresh_from_db()
    flag.refresh_from_db()
    rc.circle.refresh_from_db()
    assert review.helpfulness is None and not review.is_hidden and not flag.is_resolved
    assert review.flags.count() == 1 and rc.circle.review_anonymity == "reviewers_hidden"
    assert not ReviewAssignment.objects.filter(source__in=["facilitator", "rolling"]).exists()
    # A bystander's POST to someone else's review redirects nowhere useful: it is a 404.
    as_user(client, bystander)
    assert client.post(reverse("cohorts:review:review_save", args=[circle, assignment.pk]), {}).status_code == 404


def test_only_members_see_the_circles_peer_review(client, site_tree):
    rc = review_circle(learners=2)
    hand_in(rc, rc.learners[0], text=SECRET_WORK)
    other_circle = make_circle(course=rc.circle.course, facilitator=UserFactory())
    urls = [reverse("cohorts:review:overview", args=[rc.circle.pk]), rc.activity_url]
    for person in (None, UserFactory(), join(other_circle).user):
        as_user(client, person)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert "Share your plan" not in response.content.decode()
    as_user(client, rc.learners[1])
    for url in urls:
        assert client.get(url).status_code == 200


def test_a_reviewer_downloads_only_the_version_handed_to_them(client, site_tree):
    rc = review_circle(learners=3, k=1, submission_type="file")
    author = rc.learners[0]
    work = services.submission_save_draft(activity=rc.activity(), user=author, file=pdf_upload("first.pdf"))
    services.submission_submit(submission=work, by=author)
    for learner in rc.learners[1:]:
        other = services.submission_save_draft(activity=rc.activity(), user=learner, file=pdf_upload("other.pdf"))
        services.submission_submit(submission=other, by=learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.get(submission=work)
    # The author starts a revision: version 2 is a draft nobody else should read yet.
    services.submission_save_draft(activity=rc.activity(), user=author, file=pdf_upload("half-done.pdf"))
    file_url = reverse("cohorts:review:file", args=[rc.circle.pk, work.pk, 2])
    first_url = reverse("cohorts:review:file", args=[rc.circle.pk, work.pk, 1])

    client.force_login(assignment.reviewer)
    assert client.get(first_url).status_code == 200
    assert client.get(file_url).status_code == 404
    # Once reviewed, the reviewer keeps the version they reviewed, not the revision that follows.
    review_done(assignment)
    services.submission_submit(submission=work, by=author)
    assert client.get(first_url).status_code == 200
    assert client.get(file_url).status_code == 404
    # The author and the facilitators keep every version.
    for person in (author, rc.facilitator):
        client.force_login(person)
        assert client.get(file_url).status_code == 200
        assert client.get(first_url).status_code == 200
