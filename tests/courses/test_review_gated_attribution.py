"""Attribution from the attacker's side: an author of a live course cannot put an external source, a
description of changes or an external credit on its public pages without a review; the approval that
publishes the course lets them through, and only those that were there when it was submitted."""

import pytest
from django.urls import reverse

from courses.models import CourseCredit, CoursePage, Derivation
from courses.oai import records
from tests.courses.authoring_setup import course_maintainer, site_editor, started_course
from tests.courses.test_review_integrity import approve, submit

pytestmark = pytest.mark.django_db

HANDBOOK = {
    "action": "external",
    "external-target": "",
    "external-url": "https://example.org/handbook",
    "external-title": "The Unreviewed Handbook",
    "external-author": "Open Org",
    "external-licence": "CC-BY-SA-4.0",
    "external-kind": "adaptation",
}


def reviewed_and_published(client, course, *, author, **changes) -> CoursePage:
    """The author submits the course for review and someone else approves it, which publishes it."""
    client.force_login(author)
    submit(client, course, **changes)
    client.force_login(site_editor())
    assert approve(client, course).status_code == 302
    client.logout()
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def live_course(client):
    course = started_course()
    author = course_maintainer(course)
    course = reviewed_and_published(client, course, author=author)
    assert course.live
    return course, author


def public_page(client, course) -> str:
    client.logout()
    response = client.get(course.url)
    assert response.status_code == 200
    return response.text


def oai_record(client, course) -> str:
    client.logout()
    response = client.get(
        "/oai/", {"verb": "GetRecord", "identifier": records.identifier(course.pk), "metadataPrefix": "oai_dc"}
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def add_handbook(client, course, author):
    client.force_login(author)
    response = client.post(
        reverse("courses:remix_sources", args=[course.pk]), HANDBOOK | {"external-target": course.pk}
    )
    assert response.status_code == 302
    return Derivation.objects.get(target_course=course, external=True)


def test_an_external_source_added_to_a_live_course_waits_for_the_reviewed_publish(client, live_course):
    course, author = live_course
    add_handbook(client, course, author)

    assert "The Unreviewed Handbook" in client.get(reverse("courses:remix_sources", args=[course.pk])).text
    assert "(waiting for review)" in client.get(reverse("courses:remix_sources", args=[course.pk])).text
    assert "The Unreviewed Handbook" not in public_page(client, course)
    assert "isBasedOn" not in public_page(client, course)
    family = client.get(course.remix_family_url)
    assert "The Unreviewed Handbook" not in family.text

    course = reviewed_and_published(client, course, author=author, change_note="Exercises from the handbook")
    page = public_page(client, course)
    assert "The Unreviewed Handbook" in page
    assert "changes: Exercises from the handbook" in page
    assert "The Unreviewed Handbook" in client.get(course.remix_family_url).text


def test_a_new_description_of_the_changes_waits_for_the_reviewed_publish(client, live_course):
    course, author = live_course
    add_handbook(client, course, author)
    course = reviewed_and_published(client, course, author=author, change_note="Exercises from the handbook")
    link = Derivation.objects.get(target_course=course, external=True)

    client.force_login(author)
    client.post(
        reverse("courses:remix_sources", args=[course.pk]),
        {"action": "changes", "link": link.pk, "changes": "Endorsed by the Open Org board"},
    )
    page = public_page(client, course)
    assert "Endorsed by the Open Org board" not in page
    assert "changes: Exercises from the handbook" in page

    reviewed_and_published(client, course, author=author, change_note="A clearer description")
    page = public_page(client, course)
    assert "changes: Endorsed by the Open Org board" in page
    assert "changes: Exercises from the handbook" not in page


def test_an_external_credit_added_to_a_live_course_waits_for_the_reviewed_publish(client, live_course):
    course, author = live_course
    client.force_login(author)
    response = client.post(
        reverse("courses_authoring:authors", args=[course.pk]),
        {"action": "external", "name": "Famous Professor", "url": "", "role": "author"},
    )
    assert response.status_code == 302
    listing = client.get(reverse("courses_authoring:authors", args=[course.pk])).text
    assert "Famous Professor" in listing
    assert "waiting for review" in listing

    assert "Famous Professor" not in public_page(client, course)
    assert "Famous Professor" not in oai_record(client, course)

    course = reviewed_and_published(client, course, author=author)
    assert "Famous Professor" in public_page(client, course)
    assert "Famous Professor" in oai_record(client, course)


def test_what_is_added_after_the_submission_waits_for_the_publish_after(client, live_course):
    course, author = live_course
    client.force_login(author)
    submit(client, course, summary="Reviewed summary.", change_note="A shorter summary")
    add_handbook(client, course, author)
    client.post(
        reverse("courses_authoring:authors", args=[course.pk]),
        {"action": "external", "name": "Famous Professor", "url": "", "role": "author"},
    )
    client.force_login(site_editor())
    assert approve(client, course).status_code == 302

    page = public_page(client, course)
    assert "Reviewed summary." in page
    assert "The Unreviewed Handbook" not in page
    assert "Famous Professor" not in page
    assert Derivation.objects.get(target_course=course, external=True).awaiting_review
    assert CourseCredit.objects.get(course=course, external_name="Famous Professor").awaiting_review


def test_a_draft_course_shows_its_sources_and_credits_from_its_first_publish(client):
    course = started_course()
    author = course_maintainer(course)
    add_handbook(client, course, author)
    client.post(
        reverse("courses_authoring:authors", args=[course.pk]),
        {"action": "external", "name": "Famous Professor", "url": "", "role": "author"},
    )

    course = reviewed_and_published(client, course, author=author, change_note="Exercises from the handbook")
    page = public_page(client, course)
    assert "The Unreviewed Handbook" in page
    assert "Famous Professor" in page
