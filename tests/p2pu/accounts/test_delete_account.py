"""Delete my account: re-authentication first, the circles a person runs alone block it, and afterwards
nothing of theirs is reachable on any page, while what others' results depend on stays, anonymised."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts import services as circle_services
from cohorts.models import Circle, Membership, Review, Submission, SubmissionAuthor
from cohorts.review import services as review_services
from courses.models import CourseCredit, CreditRole, Derivation
from courses.remix import services as remix_services
from p2pu.notifications.models import Notification
from p2pu.notifications.services import notification_send
from tests.cohorts.discussions.setup import discussion_circle
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.courses.factories import CourseCreditFactory
from tests.courses.remix_setup import publish, published_course
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NAME = "Zephyrine Quist"
URL = reverse("accounts:account_delete")


def reauthenticate(client, user):
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def delete(client, user, *, credits="keep"):
    reauthenticate(client, user)
    response = client.post(URL, {"credits": credits, "confirm": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_the_summary_says_what_happens_and_deleting_asks_for_the_password_first(client):
    person = UserFactory(display_name=NAME)
    client.force_login(person)
    page = client.get(URL).text
    assert "Delete my account" in page and "a former member" in page and "3(a)(3)" in page
    response = client.post(URL, {"credits": "keep", "confirm": "on"})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    assert get_user_model().objects.filter(pk=person.pk).exists()
    wrong = client.post(response.url, {"password": "not my password"})
    assert wrong.status_code == 200 and get_user_model().objects.filter(pk=person.pk).exists()
    reauthenticate(client, person)
    unconfirmed = client.post(URL, {"credits": "keep"})
    assert unconfirmed.status_code == 200 and get_user_model().objects.filter(pk=person.pk).exists()
    assert client.post(URL, {"credits": "keep", "confirm": "on"}).status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    # Signed out: the next page is anonymous.
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post(URL, {"credits": "keep", "confirm": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_only_facilitator_of_a_running_circle_hands_it_over_first(client, site_tree):
    facilitator = UserFactory(display_name=NAME)
    circle = make_circle(facilitator=facilitator)
    join(circle)
    reauthenticate(client, facilitator)
    page = client.get(URL).text
    assert "only facilitator" in page and circle.name in page
    client.post(URL, {"credits": "keep", "confirm": "on"})
    assert get_user_model().objects.filter(pk=facilitator.pk).exists()


def test_a_freed_seat_goes_to_the_person_waiting(client, site_tree, django_capture_on_commit_callbacks):
    circle = make_circle(capacity=1)
    leaver = join(circle, UserFactory(display_name=NAME))
    waiting = join(circle)
    with django_capture_on_commit_callbacks(execute=True):
        delete(client, leaver.user)
    assert Membership.objects.get(pk=waiting.pk).status == "active"


def test_unreviewed_work_is_deleted_and_reviewed_work_stays_without_a_name(client, site_tree):
    rc = review_circle(learners=4)
    leaver = rc.learners[0]
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for assignment in work[leaver.pk].assignments.all():
        review_done(assignment)
    given = [review_done(assignment, comment="Kind words from Z.") for assignment in leaver.review_assignments.all()]
    # Work in another circle that nobody reviewed yet.
    other = review_circle(learners=1)
    Circle.objects.filter(pk=other.circle.pk).update(capacity=2)
    lone = hand_in(other, join(other.circle, leaver).user)
    delete(client, leaver)
    assert not Submission.objects.filter(pk=lone.pk).exists()
    kept = SubmissionAuthor.objects.get(submission=work[leaver.pk])
    assert kept.user.get_display_name() == "a former member" and not kept.user.is_active
    reviews = Review.objects.filter(pk__in=[review.pk for review in given])
    assert reviews.count() == len(given) and {r.reviewer.get_display_name() for r in reviews} == {"a former member"}


def test_credits_keep_the_name_when_the_person_chooses_so(client, site_tree):
    person = UserFactory(display_name=NAME)
    course = published_course(maintainer=person)
    delete(client, person, credits="keep")
    credit = CourseCredit.objects.get(course=course)
    assert (credit.person, credit.external_name) == (None, NAME)
    assert NAME in client.get(course.url).text


def test_nothing_of_theirs_is_reachable_page_by_page(client, site_tree):
    """The person took part everywhere; afterwards, as the people who were with them, no page names them."""
    person = UserFactory(username="zquist", display_name=NAME)
    # A course they co-wrote, remixed by someone else (the remix freezes their name in its attribution).
    course = published_course(maintainer=UserFactory())
    CourseCreditFactory(course=course, person=person, role=CreditRole.AUTHOR)
    remix = remix_services.remix_course(source=course, user=UserFactory(), licence="CC-BY-4.0")
    remix = publish(remix)
    assert NAME in str(Derivation.objects.get(target_page=remix).snapshot)
    # A circle discussion.
    dc = discussion_circle()
    join(dc.circle, person)
    thread = dc.thread(person, title="Quist's question", body="Zephyrine's secret plan")
    dc.reply(thread, dc.ann, body="Nice plan!")
    # Peer review: they wrote a review of ann's work and were reviewed.
    rc = review_circle(learners=3, k=2)
    Circle.objects.filter(pk=rc.circle.pk).update(capacity=4)
    join(rc.circle, person)
    learners = [*rc.learners, person]
    work = {learner.pk: hand_in(rc, learner, text=f"Work of {learner.username}") for learner in learners}
    review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for assignment in person.review_assignments.all():
        # What they wrote in a review stays (the author's feedback depends on it), without their name.
        review_done(assignment, comment="Clear steps; add timings.")
    for assignment in work[person.pk].assignments.all():
        review_done(assignment)
    circle_services.membership_remove(
        membership=Membership.objects.get(circle=rc.circle, user=person), by=rc.facilitator, reason="Test"
    )
    notification_send(
        recipient=rc.facilitator,
        kind="circle.join_request",
        title=f"{NAME} asked to join {rc.circle.name}",
        actor=person,
        dedupe_key="test:join_request",
    )

    delete(client, person, credits="remove")

    assert not Notification.objects.filter(title__contains="Zephyrine").exists()
    pages = {
        "profile": ("/people/zquist/", dc.ann),
        "course": (course.url, dc.ann),
        "remix": (remix.url, dc.ann),
        "remix family": (course.url + "remixes/", dc.ann),
        "feed": (reverse("courses:feed", args=["new"]), None),
        "discussion": (reverse("cohorts:discussions:thread", args=[dc.circle.pk, thread.pk]), dc.ann),
        "discussion index": (reverse("cohorts:discussions:index", args=[dc.circle.pk]), dc.ann),
        "circle": (dc.circle.get_absolute_url(), dc.ann),
        "manage": (reverse("cohorts:manage", args=[rc.circle.pk]), rc.facilitator),
        "audit": (reverse("cohorts:audit", args=[rc.circle.pk]), rc.facilitator),
        "submission": (work[rc.learners[0].pk].get_absolute_url(), rc.learners[0]),
        "reviewed work": (work[rc.learners[0].pk].get_absolute_url(), rc.facilitator),
        "notifications": (reverse("notifications:list"), dc.ann),
    }
    for name, (url, viewer) in pages.items():
        if viewer:
            client.force_login(viewer)
        else:
            client.logout()
        response = client.get(url)
        text = response.text
        assert "Zephyrine" not in text and "zquist" not in text and "Quist" not in text, name
        if name == "profile":
            assert response.status_code == 404
        else:
            assert response.status_code == 200, name
    assert "Zephyrine" not in str(list(Derivation.objects.values_list("snapshot", flat=True)))
