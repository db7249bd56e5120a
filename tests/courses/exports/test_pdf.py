"""PDF export: the book through print CSS, with page numbers, contents, links, bookmarks and the
attribution chapter (checked in the text extracted from the file); plainly unavailable without Pango."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from courses.exports import formats
from courses.models import CourseExport
from tests.courses.exports.export_setup import DRAFT_MODULE, PRIVATE_MODULE, RICH_MODULE, exported_course
from tests.courses.exports.test_epub import download
from tests.courses.remix_setup import published_course

pytestmark = pytest.mark.django_db


def test_the_pdf_has_contents_page_numbers_links_and_the_attribution_chapter(
    site_tree, client, django_capture_on_commit_callbacks
):
    course = exported_course()
    data = download(client, course, django_capture_on_commit_callbacks, fmt="pdf")
    assert data.startswith(b"%PDF")
    reader = PdfReader(BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)

    attribution_page = next(number for number, page in enumerate(pages) if page.startswith("Sources and attribution"))
    attribution = " ".join(pages[attribution_page:]).replace("\n", " ")
    assert "Adapted from “Parent remix”" in attribution
    assert "“Parent remix” was adapted from “Grandparent course”" in attribution
    assert "changes: Added library examples" in attribution and "CC BY-NC-ND 4.0" in attribution
    assert "Contents" in pages[1] and RICH_MODULE in pages[1]
    # Page numbers at the foot of every page but the title page.
    assert pages[2].rstrip().endswith("3")
    assert DRAFT_MODULE not in text and PRIVATE_MODULE not in text
    assert "NonCommercial" in pages[0]

    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert RICH_MODULE in bookmarks and "Sources and attribution" in bookmarks
    uris = {
        annotation.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    }
    assert "https://example.org/h" in uris and "https://creativecommons.org/licenses/by-nc-sa/4.0/" in uris


def test_without_its_system_library_the_pdf_page_says_it_is_unavailable(site_tree, client, monkeypatch):
    monkeypatch.setattr(
        formats.pdf, "UNAVAILABLE", "PDF is unavailable on this server: the PDF renderer could not start."
    )
    course = published_course()
    response = client.get(reverse("courses:export", args=[course.slug, "pdf"]))
    assert response.status_code == 503
    assert b"PDF is unavailable on this server" in response.content
    assert not CourseExport.objects.exists()
