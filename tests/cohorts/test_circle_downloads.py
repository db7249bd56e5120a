"""The circle page links the downloads of the course version the circle pinned, not the live one."""

import html
import re
import zipfile
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.cohorts.factories import make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    cache.clear()  # as in tests/courses/exports: a cached rendition may name a file of another test's media


def download_urls(page: str) -> dict[str, str]:
    """{format: URL} of the "Download" links on a page."""
    links = re.findall(r'href="([^"]*/export/(epub|pdf|cc)/[^"]*)"', page)
    return {fmt: html.unescape(url) for url, fmt in links}


def test_the_circle_page_links_the_pinned_versions_downloads_and_they_serve_that_version(
    client, course, facilitator, django_capture_on_commit_callbacks
):
    circle = make_circle(course=course, facilitator=facilitator)
    pinned = list(circle.pinned_modules.order_by("position"))
    first = course.modules().first()
    first.title = "Module 1, second edition"
    first.save_revision().publish()

    page = client.get(circle.get_absolute_url()).content.decode()
    assert "Download this version: " in page
    urls = download_urls(page)
    assert set(urls) == {"epub", "pdf", "cc"}
    query = parse_qs(urlsplit(urls["epub"]).query)
    assert query == {"revision": [str(circle.course_revision_id)], "module": [str(pin.revision_id) for pin in pinned]}
    assert urlsplit(urls["epub"]).path == reverse("courses:export", args=[course.slug, "epub"])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(urls["epub"]).status_code == 200
    response = client.get(urls["epub"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))) as epub:
        outline = epub.read("OEBPS/nav.xhtml").decode()
    assert "Module 1" in outline and "second edition" not in outline


def test_no_download_links_when_the_pinned_revision_is_gone(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    type(circle).objects.filter(pk=circle.pk).update(course_revision=None)  # as when the revision is deleted
    page = client.get(circle.get_absolute_url()).content.decode()
    assert not download_urls(page)
