"""Inline comments on passages: adding by passage or quote, threads and replies, anonymity, flags, limits, queries."""

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import audit_actions
from cohorts.models import InlineComment, InlineCommentFlag
from cohorts.review import notification_kinds, services
from p2pu.audit.models import AuditEntry
from p2pu.notifications.models import Notification
from tests.cohorts.review_conversation import FROZEN_AT, assignment_on, reviewed_circle, reviewers_of
from tests.cohorts.review_setup import review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock_and_fresh_limits():
    cache.clear()
    with time_machine.travel(FROZEN_AT, tick=False):
        yield
    cache.clear()


def add_url(assignment) -> str:
    return reverse("cohorts:review:comment_add", args=[assignment.activity.circle_id, assignment.pk])


def reply_url(comment) -> str:
    return reverse("cohorts:review:comment_reply", args=[comment.review.submission.activity.circle_id, comment.pk])


def inline_notices(person):
    return Notification.objects.filter(recipient=person, kind=notification_kinds.INLINE_COMMENT)


def test_a_reviewer_comments_on_a_passage_and_the_author_reads_it_in_place_and_replies(client, site_tree):
    rc, work = reviewed_circle()
    author = rc.learners[0]
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)

    client.force_login(reviewer)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "Paragraph 1, sentence 2: We meet weekly at noon." in page
    assert "data-inline-form" in page and "cohorts/inline-comments.js" in page
    response = client.post(add_url(assignment), {"sentence": "2", "body": "Which day of the week?"})
    assert response.status_code == 302
    comment = InlineComment.objects.get()
    assert comment.quote == "We meet [weekly](https://example.org/weekly) at noon."
    # Written into a draft review: the author hears of it with the review, not before.
    assert not inline_notices(author).exists()
    client.force_login(author)
    assert "Which day of the week?" not in client.get(work[0].get_absolute_url()).content.decode()

    review_done(assignment)
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert '<mark class="inline-mark" data-threads="thread-' in page
    assert "Comment 1 · Reviewer 1" in page and "Which day of the week?" in page
    assert reviewer.get_display_name() not in page

    response = client.post(reply_url(comment), {f"reply-{comment.pk}-body": "Tuesdays, I think."})
    assert response.status_code == 302 and response["Location"].endswith(f"#thread-{comment.pk}")
    notice = inline_notices(reviewer).get()
    # Reviewers see whose work it is in this circle, so the author is named to them.
    assert notice.actor == author and author.get_display_name() in notice.title

    client.force_login(reviewer)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "Tuesdays, I think." in page and f"<strong>{author.get_display_name()}</strong>" in page
    client.post(reply_url(comment), {f"reply-{comment.pk}-body": "Then say so in the plan."})
    told = inline_notices(author).get()
    assert told.actor is None and told.title.startswith("Reviewer 1 replied")


def test_quoted_words_are_found_through_the_markdown_and_a_wrong_quote_keeps_what_was_typed(client, site_tree):
    rc, work = reviewed_circle()
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    client.force_login(reviewer)

    response = client.post(add_url(assignment), {"quote": "no such words", "body": "My careful comment"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "These words are not in the work" in page and "My careful comment" in page
    assert not InlineComment.objects.exists()

    client.post(add_url(assignment), {"quote": "clear goal. We meet weekly", "near": "10", "body": "Good."})
    comment = InlineComment.objects.get()
    assert comment.quote == "clear** goal. We meet [weekly"
    assert work[0].versions.get().text[comment.start : comment.end] == comment.quote

    response = client.post(add_url(assignment), {"body": "About what?"})
    assert "Choose the passage your comment is about" in response.content.decode()


def test_a_comment_on_a_submitted_review_tells_the_authors_without_naming_the_reviewer(site_tree):
    rc, work = reviewed_circle()
    reviewer = reviewers_of(work[0])[1]
    assignment = assignment_on(work[0], reviewer)
    review_done(assignment)
    services.inline_comment_add(assignment=assignment, by=reviewer, sentence=1, body="Nice and clear.")
    notice = inline_notices(rc.learners[0]).get()
    assert notice.actor is None
    assert reviewer.get_display_name() not in notice.title + notice.body
    assert notice.title == "Reviewer 1 commented on a passage of “Share your plan”"


def test_in_a_double_blind_circle_nobody_in_a_thread_learns_a_name(client, site_tree):
    rc, work = reviewed_circle(anonymity="double_blind")
    author = rc.learners[0]
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    comment = services.inline_comment_add(assignment=assignment, by=reviewer, sentence=1, body="Why noon?")
    review_done(assignment)
    services.inline_reply_add(thread=comment, by=author, body="Lunch break.")
    notice = inline_notices(reviewer).get()
    assert notice.actor is None and author.get_display_name() not in notice.title + notice.body

    client.force_login(reviewer)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "Lunch break." in page and "<strong>The author</strong>" in page
    assert author.get_display_name() not in page and author.username not in page


def test_a_reviewer_sees_only_their_own_threads_never_the_authors_replies_to_others(client, site_tree):
    rc, work = reviewed_circle()
    author = rc.learners[0]
    first, second = reviewers_of(work[0])
    theirs = services.inline_comment_add(
        assignment=assignment_on(work[0], first), by=first, sentence=1, body="First reviewer's point"
    )
    review_done(assignment_on(work[0], first))
    services.inline_reply_add(thread=theirs, by=author, body="Answer meant for the first reviewer")

    client.force_login(second)
    page = client.get(assignment_on(work[0], second).get_absolute_url()).content.decode()
    assert "First reviewer's point" not in page and "Answer meant for the first reviewer" not in page
    # Nor can they reply in it, or flag it, by forging the request.
    response = client.post(reply_url(theirs), {f"reply-{theirs.pk}-body": "Sneaking in"})
    assert response.status_code == 404
    flag_url = reverse("cohorts:review:comment_flag", args=[rc.circle.pk, theirs.pk])
    assert client.get(flag_url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.inline_reply_add(thread=theirs, by=second, body="Sneaking in")
    assert InlineComment.objects.count() == 2


def test_people_outside_the_thread_are_refused(client, site_tree):
    rc, work = reviewed_circle()
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    comment = services.inline_comment_add(assignment=assignment, by=reviewer, sentence=1, body="Hm.")
    review_done(assignment)
    outsider_in_circle = next(person for person in rc.learners[1:] if person not in reviewers_of(work[0]))
    other_rc, _ = reviewed_circle()
    stranger = UserFactory()
    cases = [
        (outsider_in_circle, 404),  # a member who neither wrote nor reviews the work
        (other_rc.facilitator, 403),  # another circle's facilitator
        (stranger, 403),  # signed in, no member
    ]
    for person, status in cases:
        client.force_login(person)
        assert client.post(reply_url(comment), {f"reply-{comment.pk}-body": "x"}).status_code == status, person
        flag = reverse("cohorts:review:comment_flag", args=[rc.circle.pk, comment.pk])
        assert client.get(flag).status_code == status, person
        assert client.post(add_url(assignment), {"sentence": "1", "body": "x"}).status_code == status, person
        assert client.get(reverse("cohorts:review:comment_flags", args=[rc.circle.pk])).status_code == 403
    client.logout()
    assert client.post(reply_url(comment), {f"reply-{comment.pk}-body": "x"}).status_code == 302  # to sign in
    assert InlineComment.objects.count() == 1


def test_a_flagged_comment_goes_to_the_facilitators_who_hide_it(client, site_tree):
    rc, work = reviewed_circle()
    author = rc.learners[0]
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    comment = services.inline_comment_add(assignment=assignment, by=reviewer, sentence=1, body="Rude remark")
    review_done(assignment)

    client.force_login(author)
    flag_url = reverse("cohorts:review:comment_flag", args=[rc.circle.pk, comment.pk])
    assert "Rude remark" in client.get(flag_url).content.decode()
    client.post(flag_url, {"reason": "hurtful", "explanation": "Personal."})
    flag = InlineCommentFlag.objects.get()
    assert Notification.objects.filter(recipient=rc.facilitator, kind=notification_kinds.FLAG_RAISED).exists()
    with pytest.raises(ValidationError):
        services.inline_comment_flag(comment=comment, by=author, reason="other", explanation="Again")
    # The writer cannot flag their own comment.
    with pytest.raises(PermissionDenied):
        services.inline_comment_flag(comment=comment, by=reviewer, reason="other", explanation="Mine")

    client.force_login(rc.facilitator)
    queue = reverse("cohorts:review:comment_flags", args=[rc.circle.pk])
    assert "Rude remark" in client.get(queue).content.decode()
    resolve = reverse("cohorts:review:comment_flag_resolve", args=[rc.circle.pk, flag.pk])
    client.post(resolve, {f"comment-flag-{flag.pk}-hide_comment": "on", f"comment-flag-{flag.pk}-note": "Hidden."})
    comment.refresh_from_db()
    assert comment.is_hidden
    entry = AuditEntry.objects.about(rc.circle).get(action=audit_actions.INLINE_COMMENT_HIDDEN)
    assert (entry.actor, entry.target, entry.reason) == (rc.facilitator, reviewer, "Hidden.")

    client.force_login(author)
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "Rude remark" not in page and "Hidden by a facilitator after a flag." in page
    client.force_login(rc.learners[1])
    assert client.post(resolve, {}).status_code in (403, 404)


def test_comments_are_rate_limited_per_writer(client, site_tree, settings):
    settings.REVIEW_COMMENT_RATE = (2, 600)
    rc, work = reviewed_circle()
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    client.force_login(reviewer)
    for sentence in ("1", "2"):
        assert client.post(add_url(assignment), {"sentence": sentence, "body": "ok"}).status_code == 302
    response = client.post(add_url(assignment), {"sentence": "3", "body": "one too many"})
    assert response.status_code == 200
    assert "many comments in a short time" in response.content.decode()
    assert InlineComment.objects.count() == 2


def test_notices_any_one_person_receives_are_capped(site_tree, settings):
    settings.REVIEW_NOTIFY_RATE = (1, 3600)
    rc, work = reviewed_circle()
    reviewer = reviewers_of(work[0])[0]
    assignment = assignment_on(work[0], reviewer)
    review_done(assignment)
    for sentence in (1, 2):
        services.inline_comment_add(assignment=assignment, by=reviewer, sentence=sentence, body="More")
    assert inline_notices(rc.learners[0]).count() == 1


def busy_threads(client, threads_per_review: int):
    """Every reviewer of one piece of work comments, the author replies to each and flags one."""
    rc, work = reviewed_circle()
    author = rc.learners[0]
    for reviewer in reviewers_of(work[0]):
        assignment = assignment_on(work[0], reviewer)
        review_done(assignment)
        for number in range(threads_per_review):
            comment = services.inline_comment_add(
                assignment=assignment, by=reviewer, sentence=1 + number % 4, body=f"Point {number}"
            )
            services.inline_reply_add(thread=comment, by=author, body="Thanks")
            services.inline_reply_add(thread=comment, by=reviewer, body="Welcome")
        services.inline_comment_flag(comment=comment, by=author, reason="other", explanation="Check")
    cache.clear()
    return rc, work


def count_queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["author", "facilitator", "reviewer", "flags"])
def test_pages_listing_comments_take_as_many_queries_for_many_threads_as_for_one(client, site_tree, page):
    counts = []
    for threads_per_review in (1, 6):
        rc, work = busy_threads(client, threads_per_review)
        reviewer = reviewers_of(work[0])[0]
        user, url = {
            "author": (rc.learners[0], work[0].get_absolute_url()),
            "facilitator": (rc.facilitator, work[0].get_absolute_url()),
            "reviewer": (reviewer, assignment_on(work[0], reviewer).get_absolute_url()),
            "flags": (rc.facilitator, reverse("cohorts:review:comment_flags", args=[rc.circle.pk])),
        }[page]
        counts.append(count_queries(client, user, url))
    assert counts[0] == counts[1]


def test_a_facilitator_reviewing_the_work_comments_from_their_review_page_only(client, site_tree):
    rc, work = reviewed_circle()
    taken = services.review_facilitator_take(submission=work[0], by=rc.facilitator)
    client.force_login(rc.facilitator)
    assert 'id="comment-on-passage"' not in client.get(work[0].get_absolute_url()).content.decode()
    assert 'id="comment-on-passage"' in client.get(taken.get_absolute_url()).content.decode()
    services.inline_comment_add(assignment=taken, by=rc.facilitator, sentence=3, body="Add a date.")
    review_done(taken)
    client.force_login(rc.learners[0])
    page = client.get(work[0].get_absolute_url()).content.decode()
    assert "(a facilitator)" in page and "Add a date." in page
