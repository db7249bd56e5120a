"""Download my data: a task builds the ZIP, a notification brings the owner to a signed link that
expires, and the JSON document holds everything the platform keeps about them."""

import datetime as dt
import io
import json
import os
import zipfile

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Attendance, Meeting
from cohorts.review import services as review_services
from courses.models import CreditRole
from p2pu.accounts.models import DataExport
from p2pu.accounts.tasks import expire_data_exports
from p2pu.notifications.models import Notification
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.courses.factories import CourseCreditFactory
from tests.courses.remix_setup import published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:data_export")
BUILT_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def ask_for_data(client, user, django_capture_on_commit_callbacks) -> str:
    """Press "Download my data"; returns the link the notification gives."""
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL).status_code == 302
    notification = Notification.objects.get(recipient=user, kind="accounts.data_export_ready")
    return notification.url


def unzip(response) -> zipfile.ZipFile:
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_holds_everything_about_the_person_and_their_files(
    client, site_tree, django_capture_on_commit_callbacks
):
    rc = review_circle(learners=4, submission_type="file")
    person = rc.learners[0]
    person.bio = "I like maps."
    person.save(update_fields=["bio"])
    work = {
        learner.pk: hand_in(
            rc, learner, text="", file=SimpleUploadedFile(f"plan-{learner.pk}.txt", f"plan {learner.pk}".encode())
        )
        for learner in rc.learners
    }
    review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for assignment in work[person.pk].assignments.all():
        review_done(assignment, comment="Clear plan, from a peer.")
    for assignment in person.review_assignments.all():
        review_done(assignment, comment="My own review comment.")
    meeting = Meeting.objects.filter(circle=rc.circle).first()
    Attendance.objects.create(meeting=meeting, membership=rc.circle.memberships.get(user=person), present=True)
    CourseCreditFactory(course=published_course(title="Maps for all"), person=person, role=CreditRole.AUTHOR)

    with time_machine.travel(BUILT_AT, tick=False):
        link = ask_for_data(client, person, django_capture_on_commit_callbacks)
        archive = unzip(client.get(link))
    document = json.loads(archive.read("my-data.json"))
    assert document["account"]["username"] == person.username and document["account"]["bio"] == "I like maps."
    circles = document["circles"]
    assert [m["circle"] for m in circles["memberships"]] == [rc.circle.name]
    assert circles["meetings"][0]["present"] is True
    (submission,) = circles["submissions"]
    version_file = submission["versions"][0]["file"]
    assert archive.read(version_file) == f"plan {person.pk}".encode()
    received = submission["reviews_received"]
    assert received and {r["overall_comment"] for r in received} == {"Clear plan, from a peer."}
    # Received as the author sees them: never who wrote them.
    assert "reviewer" not in json.dumps(received)
    for learner in rc.learners[1:]:
        assert learner.get_display_name() not in json.dumps(received)
    assert {r["overall_comment"] for r in circles["reviews_given"]} == {"My own review comment."}
    assert [c["course"] for c in document["courses"]["credits"]] == ["Maps for all"]
    assert document["notifications"]["received"] and "preferences" in document["notifications"]
    # Nobody else's work is in it.
    assert not any(f"plan-{learner.pk}" in name for learner in rc.learners[1:] for name in archive.namelist())


def test_only_the_owner_downloads_and_an_expired_link_is_refused(client, site_tree, django_capture_on_commit_callbacks):
    owner, other = UserFactory(), UserFactory()
    with time_machine.travel(BUILT_AT, tick=False):
        link = ask_for_data(client, owner, django_capture_on_commit_callbacks)
    within = BUILT_AT + dt.timedelta(seconds=settings.DATA_EXPORT_LINK_MAX_AGE - 60)
    after = BUILT_AT + dt.timedelta(seconds=settings.DATA_EXPORT_LINK_MAX_AGE + 60)
    with time_machine.travel(within, tick=False):
        client.force_login(other)
        assert client.get(link).status_code == 404
        client.logout()
        anonymous = client.get(link)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
        client.force_login(owner)
        assert client.get(link).status_code == 200
        forged = link.replace(link.split("/")[-2], link.split("/")[-2][:-2] + "xx")
        assert client.get(forged).status_code == 404
    with time_machine.travel(after, tick=False):
        assert client.get(link).status_code == 404


def test_a_new_download_replaces_the_old_one(client, site_tree, django_capture_on_commit_callbacks):
    owner = UserFactory()
    with time_machine.travel(BUILT_AT, tick=False):
        first = ask_for_data(client, owner, django_capture_on_commit_callbacks)
    with time_machine.travel(BUILT_AT + dt.timedelta(hours=1), tick=False):
        Notification.objects.filter(recipient=owner).delete()
        second = ask_for_data(client, owner, django_capture_on_commit_callbacks)
        assert DataExport.objects.filter(user=owner).count() == 1
        assert client.get(first).status_code == 404
        assert client.get(second).status_code == 200
        page = client.get(URL).text
        assert "Download my data" in page or "Gather my data again" in page
        assert second in page


def test_expired_downloads_are_deleted_with_their_files(client, site_tree, django_capture_on_commit_callbacks):
    owner = UserFactory()
    with time_machine.travel(BUILT_AT, tick=False):
        ask_for_data(client, owner, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=owner)
    path = export.file.path
    within = BUILT_AT + dt.timedelta(seconds=settings.DATA_EXPORT_LINK_MAX_AGE - 60)
    after = BUILT_AT + dt.timedelta(seconds=settings.DATA_EXPORT_LINK_MAX_AGE + 60)
    with time_machine.travel(within, tick=False):
        assert expire_data_exports() == 0 and os.path.exists(path)
    with time_machine.travel(after, tick=False):
        assert expire_data_exports() == 1
    assert not DataExport.objects.exists() and not os.path.exists(path)
