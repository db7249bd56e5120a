"""Images on posts are checked like submitted files and served only to the members who may see the post."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.discussions import services
from cohorts.models import PostAttachment
from tests.cohorts.discussions.images import png_upload


def test_an_image_goes_up_and_is_served_privately(dc, client, settings):
    thread = dc.thread()
    client.force_login(dc.bob)
    response = client.post(
        f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "Our board", "images": [png_upload("board.png")]}
    )
    assert response.status_code == 302
    image = PostAttachment.objects.get()
    assert image.content_type == "image/png"
    assert not image.image.path.startswith(str(settings.MEDIA_ROOT))  # never inside the public media folder
    served = client.get(f"{dc.index_url}attachments/{image.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert f'src="{dc.index_url}attachments/{image.pk}/"' in client.get(thread.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>"), "not really a .png image"),
        (SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>"), "PNG, JPEG, GIF or WebP"),
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), "could not be opened"),
    ],
)
def test_anything_but_a_real_image_is_refused(dc, client, upload, message):
    thread = dc.thread()
    client.force_login(dc.bob)
    response = client.post(f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "Look", "images": [upload]})
    assert response.status_code == 400 and message in response.content.decode()
    assert not PostAttachment.objects.exists() and thread.posts.count() == 1


def test_size_and_count_limits(dc, settings):
    settings.DISCUSSION_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError):
        dc.thread(images=[png_upload()])
    settings.DISCUSSION_ATTACHMENT_MAX_BYTES = 5_000_000
    settings.DISCUSSION_ATTACHMENTS_PER_POST = 1
    with pytest.raises(ValidationError):
        dc.thread(images=[png_upload("a.png"), png_upload("b.png")])


def test_deleting_a_post_deletes_its_images(dc, django_capture_on_commit_callbacks):
    thread = dc.thread(images=[png_upload()])
    stored = thread.posts.get().attachments.get().image
    path = stored.path
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=thread.posts.get(), by=dc.ann)
    assert not PostAttachment.objects.exists()
    assert not stored.storage.exists(path)
