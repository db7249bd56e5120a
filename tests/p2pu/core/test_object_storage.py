"""Media on S3-compatible storage, against a local S3 endpoint this test run starts (moto's server mode).

Public media (uploads) are readable by anyone; submitted work is private: the object refuses anonymous
reads, and the download view hands its viewer a signed link that expires. A course's images and
documents are private objects too, reached through the site's permission check: a draft's only by its
authors, a live public course's by anyone.
"""

import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

from cohorts.models import SubmissionVersion
from cohorts.models.review.submissions import submission_storage
from p2pu.core.object_storage import bucket_origins, csp_sources_add, s3_storages
from tests.cohorts.review_setup import hand_in, pdf_upload, review_circle
from tests.courses.authoring_setup import course_maintainer, started_course
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory

BUCKET = "learning-commons-media"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on a free loopback port for this module, stopped by its pid afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 — loopback
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Production's storages pointed at the local endpoint, with a fresh bucket."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(
            bucket=BUCKET,
            endpoint_url=s3_endpoint,
            region="us-east-1",
            media_acl="public-read",
            private_url_seconds=300,
        ),
    }
    settings.PRIVATE_FILE_URL_SECONDS = 300
    # Model fields pick their storage when the models load; point the private one at the bucket too.
    monkeypatch.setattr(SubmissionVersion._meta.get_field("file"), "storage", submission_storage())
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def anonymous_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — the loopback endpoint
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def is_public(client, key: str) -> bool:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return any(grant["Grantee"].get("URI") == ALL_USERS for grant in grants)


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_upload_goes_to_the_bucket_and_is_public(s3, db):
    name = default_storage.save("uploads/notes.txt", ContentFile(b"shared notes"))
    assert name.startswith("uploads/notes")
    key = f"media/{name}"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"shared notes"
    assert is_public(s3, key)
    url = default_storage.url(name)
    assert "X-Amz-Signature" not in url
    assert anonymous_get(url) == (200, b"shared notes")


def image_in(collection, name="map.png"):
    return get_image_model().objects.create(
        title="Map", file=ImageFile(io.BytesIO(png_bytes()), name=name), collection=collection
    )


def bucket_url(client, key: str) -> str:
    return f"{client.meta.endpoint_url}/{BUCKET}/{key}"


def test_an_image_and_its_rendition_are_private_in_the_bucket_and_linked_at_the_site(s3, db):
    image = image_in(Collection.get_first_root_node())
    rendition = image.get_rendition("fill-20x10")
    assert rendition.file.name.startswith("images/")
    for field_file in (image.file, rendition.file):
        key = f"media/{field_file.name}"
        assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] > 0
        assert not is_public(s3, key)
        assert anonymous_get(bucket_url(s3, key))[0] == 403
        assert field_file.url == f"/media/{field_file.name}"


def test_a_drafts_image_is_for_its_authors_only(s3, client, db):
    course = started_course(title="Draft maps")
    image = image_in(course.collection)
    urls = [image.file.url, image.get_rendition("fill-20x10").url]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404, url

    client.force_login(course_maintainer(course))
    response = client.get(urls[1])
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, max-age=150"
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-cache-control"] == ["private, max-age=300"]
    status, body = anonymous_get(response["Location"])
    assert status == 200
    assert PillowImage.open(io.BytesIO(body)).size == (20, 10)


def test_a_live_public_courses_image_is_for_everyone(s3, client, db):
    collection = Collection.get_first_root_node().add_child(name="Open maps")
    CoursePageFactory(title="Open maps", collection=collection)
    image = image_in(collection)
    response = client.get(image.file.url)
    assert response.status_code == 302
    assert anonymous_get(response["Location"]) == (200, png_bytes())


def test_a_private_courses_image_is_for_its_readers(s3, client, db):
    collection = Collection.get_first_root_node().add_child(name="Members' maps")
    course = CoursePageFactory(title="Members' maps", collection=collection)
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    image = image_in(collection)
    assert client.get(image.file.url).status_code == 404
    client.force_login(UserFactory())
    response = client.get(image.file.url)
    assert response.status_code == 302
    assert anonymous_get(response["Location"]) == (200, png_bytes())


def test_a_drafts_document_is_private_in_the_bucket_and_for_its_authors_only(s3, client, db):
    course = started_course(title="Draft notes")
    document = get_document_model().objects.create(
        title="Notes", file=ContentFile(b"draft notes", name="notes.txt"), collection=course.collection
    )
    key = f"media/{document.file.name}"
    assert not is_public(s3, key)
    assert anonymous_get(bucket_url(s3, key))[0] == 403
    assert client.get(document.url).status_code == 404

    client.force_login(course_maintainer(course))
    response = client.get(document.url)
    assert response.status_code == 302
    assert "X-Amz-Signature" in parse_qs(urlsplit(response["Location"]).query)
    assert anonymous_get(response["Location"]) == (200, b"draft notes")


def test_pages_may_show_images_from_the_bucket(s3, s3_endpoint, client, settings, db):
    origins = bucket_origins(bucket=BUCKET, endpoint_url=s3_endpoint, region="us-east-1")
    assert origins == [s3_endpoint]
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": csp_sources_add(directives, names=("img-src", "media-src"), sources=origins),
    }
    policy = client.get("/")["Content-Security-Policy"]
    assert f"img-src 'self' data: {s3_endpoint}" in policy
    assert f"media-src 'self' {s3_endpoint}" in policy
    assert "script-src 'self';" in policy


def test_the_bucket_origin_on_aws_is_its_virtual_host():
    assert bucket_origins(bucket="lc-media", endpoint_url="", region="eu-west-1") == [
        "https://lc-media.s3.amazonaws.com",
        "https://lc-media.s3.eu-west-1.amazonaws.com",
    ]
    assert bucket_origins(bucket="lc-media", endpoint_url="https://minio.example.org:9000/", region="") == [
        "https://minio.example.org:9000"
    ]


def test_submitted_work_is_private_and_handed_out_by_an_expiring_signed_link(s3, client, db):
    rc = review_circle(learners=2, submission_type="file")
    author = rc.learners[0]
    submission = hand_in(rc, author, text="", file=pdf_upload("plan.pdf"))
    version = submission.versions.get(number=1)
    key = f"private/submissions/{version.file.name}"
    assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == 2000
    assert not is_public(s3, key)
    unsigned = f"{s3.meta.endpoint_url}/{BUCKET}/{key}"
    assert anonymous_get(unsigned)[0] == 403

    client.force_login(author)
    response = client.get(reverse("cohorts:review:file", args=[rc.circle.pk, submission.pk, 1]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="plan.pdf"']
    status, body = anonymous_get(response["Location"])
    assert status == 200
    assert body.startswith(b"%PDF-1.4")


def test_someone_outside_the_circle_gets_no_link(s3, client, other_user):
    rc = review_circle(learners=2, submission_type="file")
    submission = hand_in(rc, rc.learners[0], text="", file=pdf_upload("plan.pdf"))
    client.force_login(other_user)
    response = client.get(reverse("cohorts:review:file", args=[rc.circle.pk, submission.pk, 1]))
    assert response.status_code in (403, 404)
    assert "Location" not in response


def test_private_storage_follows_the_settings(settings):
    assert "private" not in settings.STORAGES
    assert type(submission_storage()).__name__ == "PrivateSubmissionStorage"
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket=BUCKET, endpoint_url="", region="eu-west-1", media_acl="", private_url_seconds=60),
    }
    storage = submission_storage()
    assert type(storage).__name__ == "S3Storage"
    assert storage.location == "private/submissions"
    assert storage.querystring_auth is True
    assert storage.querystring_expire == 60
    assert storage.default_acl == "private"
    assert storages["default"].default_acl is None
    assert json.dumps(settings.STORAGES["private"]["OPTIONS"])


def test_course_files_stored_while_they_were_public_are_made_private(s3, db):
    for key in ("media/original_images/old.png", "media/images/old.fill-20x10.png", "media/documents/old.txt"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"old", ACL="public-read")
    s3.put_object(Bucket=BUCKET, Key="media/exports/1/course.epub", Body=b"book", ACL="public-read")
    output = io.StringIO()
    call_command("course_files_make_private", stdout=output)
    assert "3 objects are private now." in output.getvalue()
    for key in ("media/original_images/old.png", "media/images/old.fill-20x10.png", "media/documents/old.txt"):
        assert not is_public(s3, key)
        assert anonymous_get(bucket_url(s3, key))[0] == 403
    assert is_public(s3, "media/exports/1/course.epub")


def test_making_course_files_private_needs_the_bucket_and_per_object_acls(s3_endpoint, settings, db):
    with pytest.raises(CommandError, match="S3_BUCKET is not set"):
        call_command("course_files_make_private")
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(bucket=BUCKET, endpoint_url=s3_endpoint, region="", media_acl="", private_url_seconds=60),
    }
    with pytest.raises(CommandError, match="bucket policy decides"):
        call_command("course_files_make_private")
