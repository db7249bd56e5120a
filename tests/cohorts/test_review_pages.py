"""Peer review pages: constant query counts, the CSV, "Submit work" on module pages, and /me/."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import ReviewAssignment, ReviewFlag
from cohorts.review import services
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import ACTIVITY_ID, hand_in, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def busy_circle(learners: int):
    """``learners`` hand in work, reviews go out, a third of them are done, and some are flagged."""
    rc = review_circle(learners=learners)
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for number, assignment in enumerate(ReviewAssignment.objects.filter(activity=rc.activity()).order_by("pk")):
        if number % 3 == 0:
            review_done(assignment, levels=(1 + number % 5, 5 - number % 5))
    for submission in work[::4]:
        review = submission.reviews.filter(submitted_at__isnull=False).first()
        if review is not None:
            author = submission.authors.get().user
            services.review_flag(review=review, by=author, reason="other", explanation="Please look.")
            services.review_rate(review=review, by=author, helpfulness=3)
    return rc, work


def queries_for(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # first requests create per-site rows (settings) once; count a settled request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def pages_of(rc, work):
    author = work[0].authors.get().user
    own = ReviewAssignment.objects.filter(reviewer=author).order_by("pk").first()
    circle = rc.circle.pk
    activity = rc.activity()
    return [
        ("progress", rc.facilitator, reverse("cohorts:review:progress", args=[circle, activity.pk])),
        ("csv", rc.facilitator, reverse("cohorts:review:progress_csv", args=[circle, activity.pk])),
        ("moderation", rc.facilitator, reverse("cohorts:review:moderation", args=[circle])),
        ("overview (facilitator)", rc.facilitator, reverse("cohorts:review:overview", args=[circle])),
        ("submission (facilitator)", rc.facilitator, work[0].get_absolute_url()),
        ("submission (author)", author, work[0].get_absolute_url()),
        ("activity (learner)", author, rc.activity_url),
        ("activity (facilitator)", rc.facilitator, rc.activity_url),
        ("review", author, own.get_absolute_url()),
        ("my learning", author, "/me/"),
    ]


def test_pages_take_as_many_queries_for_30_learners_as_for_4(client, site_tree):
    small = {label: queries_for(client, user, url) for label, user, url in pages_of(*busy_circle(4))}
    large_circle = busy_circle(30)
    assert large_circle[0].activity().submissions.count() == 30
    assert ReviewFlag.objects.filter(activity=large_circle[0].activity()).count() >= 3
    large = {label: queries_for(client, user, url) for label, user, url in pages_of(*large_circle)}
    assert large == small


def test_the_progress_csv_has_a_row_per_learner_and_escapes_formulas(client, site_tree):
    rc = review_circle(learners=3, names=("=HYPERLINK(evil)", "Plain Person", "Third"))
    for learner in rc.learners[:2]:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    client.force_login(rc.facilitator)
    response = client.get(reverse("cohorts:review:progress_csv", args=[rc.circle.pk, rc.activity().pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Learner", "Username", "Work"]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 3
    assert "'=HYPERLINK(evil)" in by_name
    assert by_name["Plain Person"][2] == "Submitted" and by_name["Plain Person"][6] == "0"
    assert by_name["Third"][2] == "Not started"


def test_module_pages_offer_submit_work_to_members_of_circles_following_them(client, site_tree):
    rc = review_circle(learners=2)
    learner = rc.learners[0]
    pinned = rc.circle.pinned_modules.get(module=rc.module).get_absolute_url()
    client.force_login(learner)
    for url in (rc.module.url, pinned):
        page = client.get(url).content.decode()
        assert f'href="{rc.activity_url}">Submit work</a>' in page, url
    hand_in(rc, learner)
    assert "Your work and feedback" in client.get(pinned).content.decode()
    client.force_login(rc.facilitator)
    assert "Peer review" in client.get(pinned).content.decode()
    client.force_login(UserFactory())
    assert "Submit work" not in client.get(rc.module.url).content.decode()
    # A member of another circle on the same course is sent to their own circle's copy.
    other = make_circle(course=rc.circle.course, facilitator=UserFactory())
    client.force_login(join(other).user)
    page = client.get(rc.module.url).content.decode()
    assert rc.activity_url not in page and f"/circles/{other.pk}/work/{rc.module.pk}/{ACTIVITY_ID}/" in page
    client.logout()
    assert "Submit work" not in client.get(rc.module.url).content.decode()


def test_the_hook_costs_the_same_for_one_activity_as_for_every_activity_on_the_page(client, site_tree):
    rc = review_circle(learners=2)
    client.force_login(rc.learners[0])
    with CaptureQueriesContext(connection) as context:
        client.get(rc.module.url)
    assert sum("cohorts_membership" in q["sql"] for q in context.captured_queries) == 1


def test_my_learning_lists_reviews_to_do_soonest_first(client, site_tree):
    rc = review_circle(learners=4)
    for learner in rc.learners:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    learner = rc.learners[0]
    client.force_login(learner)
    page = client.get("/me/").content.decode()
    assert "Reviews to do" in page
    for assignment in ReviewAssignment.objects.filter(reviewer=learner):
        assert f'href="{assignment.get_absolute_url()}">Review<span class="visually-hidden">' in page
    # Gone once done, and gone for someone who left the circle.
    for assignment in ReviewAssignment.objects.filter(reviewer=learner):
        review_done(assignment)
    assert "No reviews waiting for you" in client.get("/me/").content.decode()


def test_the_overview_lists_the_pinned_courses_activities(client, site_tree):
    rc = review_circle(learners=2)
    client.force_login(rc.learners[0])
    page = client.get(reverse("cohorts:review:overview", args=[rc.circle.pk])).content.decode()
    assert "Share your plan" in page and ACTIVITY_ID in page and "You have not started." in page
    client.force_login(rc.facilitator)
    page = client.get(reverse("cohorts:review:overview", args=[rc.circle.pk])).content.decode()
    assert "Save peer review settings" in page and "Moderation queue" in page
