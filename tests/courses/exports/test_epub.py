"""EPUB export: a valid EPUB 3 (EPUBCheck) with the outline, every block, the title page with licence and
credits, and the whole attribution chain; only public, published material; built once per version."""

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.exports import services
from courses.exports.editions import live_edition
from courses.exports.links import export_url as export_url_for
from courses.models import CourseExport, ExportStatus
from home.seed import seed_people
from home.seed_courses import seed_courses
from tests.courses.exports.export_setup import (
    DRAFT_MODULE,
    PRIVATE_MODULE,
    RICH_MODULE,
    VERBATIM_MODULE,
    epubcheck,
    exported_course,
)
from tests.courses.factories import CoursePageFactory
from tests.courses.remix_setup import draft_change, modules_of, publish, published_course

pytestmark = pytest.mark.django_db


def export_url(course, fmt="epub", **query):
    url = reverse("courses:export", kwargs={"course_slug": course.slug, "format": fmt})
    return url, query


def download(client, course, django_capture_on_commit_callbacks, fmt="epub", **query):
    """Ask for the export, let the queued build run, and fetch the file."""
    url, query = export_url(course, fmt, **query)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url, query)
    assert first.status_code == 200
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def epub_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(data)) as epub:
        return {name: epub.read(name).decode() for name in epub.namelist() if not name.startswith("OEBPS/images/")}


def test_the_epub_is_valid_and_carries_outline_blocks_licence_and_the_whole_attribution_chain(
    site_tree, client, tmp_path, django_capture_on_commit_callbacks
):
    course = exported_course()
    data = download(client, course, django_capture_on_commit_callbacks)
    path = tmp_path / "course.epub"
    path.write_bytes(data)
    assert epubcheck(path) == []

    with zipfile.ZipFile(BytesIO(data)) as epub:
        names = epub.namelist()
        assert names[0] == "mimetype" and epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert any(name.startswith("OEBPS/images/") and name.endswith(".png") for name in names)
    texts = epub_texts(data)
    everything = "".join(texts.values())
    modules = list(course.modules())
    nav = texts["OEBPS/nav.xhtml"]
    # One chapter per public module, in outline order, with its sections in the outline.
    positions = [nav.index(module.title) for module in modules]
    assert positions == sorted(positions) and len(modules) == 4
    assert "Before you start" in nav and "Talk it over" in nav and "Sources and attribution" in nav
    assert DRAFT_MODULE not in everything and PRIVATE_MODULE not in everything

    title = texts["OEBPS/title.xhtml"]
    assert "CC BY-NC-SA 4.0" in title and "NonCommercial" in title and "except where otherwise noted" in title
    assert all(credit.name in title for credit in course.credits.public())

    rich = texts[f"OEBPS/module-{modules[1].pk}.xhtml"]
    assert modules[1].title == RICH_MODULE
    assert "Activity: Share your plan" in rich and "Rubric: Plan rubric" in rich and "Level 3" in rich
    assert 'src="images/' in rich and 'alt="A circle of chairs"' in rich
    assert "What made a group work well?" in rich and "&lt;ok&gt;" in rich
    # A link to another module of the course leads to its chapter, not to the website.
    assert f'href="module-{modules[0].pk}.xhtml"' in rich

    verbatim = texts[f"OEBPS/module-{modules[2].pk}.xhtml"]
    assert modules[2].title == VERBATIM_MODULE
    assert "Included verbatim" in verbatim and "does not allow adaptations" in verbatim

    attribution = texts["OEBPS/attribution.xhtml"]
    assert "Adapted from “Parent remix”" in attribution and "changes: Rewritten for public libraries" in attribution
    # The source's own source, two steps back, with the changes made there.
    assert "“Parent remix” was adapted from “Grandparent course”" in attribution
    assert "changes: Added library examples" in attribution
    assert "Includes “Poem kept as written”" in attribution and "CC BY-NC-ND 4.0" in attribution
    assert "Photo: Ana Lima" in attribution


def test_each_demo_course_exports_a_valid_epub(site_tree, tmp_path):
    seed_people()
    for course in seed_courses():
        export = services.export_request(edition=live_edition(course), format="epub")
        services.export_build(export_id=export.pk)
        export.refresh_from_db()
        assert export.status == ExportStatus.READY, export.error
        path = tmp_path / f"{course.slug}.epub"
        path.write_bytes(export.file.read())
        assert epubcheck(path) == [], course.title


def test_drafts_and_private_courses_are_never_exported(site_tree, client):
    draft = CoursePageFactory(publish=False)
    private = published_course()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    public = published_course()
    for course in (draft, private):
        assert client.get(reverse("courses:export", args=[course.slug, "epub"])).status_code == 404
    assert client.get(reverse("courses:export", args=[public.slug, "docx"])).status_code == 404
    assert client.get(reverse("courses:export", args=["no-such-course", "epub"])).status_code == 404
    assert not CourseExport.objects.exists()


def test_a_pinned_version_is_exported_as_it_was_and_only_published_revisions_of_this_course_are(
    site_tree, client, django_capture_on_commit_callbacks
):
    course = published_course(modules=["Intro", "Practice"])
    intro, practice = modules_of(course)
    pinned = {"revision": course.live_revision_id, "module": [intro.live_revision_id, practice.live_revision_id]}
    publish(intro, title="Intro, second edition")
    course = publish(course, title="Renamed course")
    other = published_course()
    draft = draft_change(practice, title="Unreviewed draft").latest_revision_id

    texts = epub_texts(download(client, course, django_capture_on_commit_callbacks, **pinned))
    assert "Intro, second edition" not in texts["OEBPS/nav.xhtml"]
    assert "Intro" in texts["OEBPS/nav.xhtml"] and course.title not in texts["OEBPS/title.xhtml"]

    url = reverse("courses:export", args=[course.slug, "epub"])
    refused = [
        {"revision": other.live_revision_id},
        {"revision": course.live_revision_id, "module": [draft]},
        {"revision": course.live_revision_id, "module": [other.live_revision_id]},
        {"revision": "x"},
    ]
    for query in refused:
        assert client.get(url, query).status_code == 404, query


def test_a_version_is_built_once_and_a_new_publication_gives_a_new_file(
    site_tree, client, django_capture_on_commit_callbacks
):
    course = published_course(modules=["Intro"])
    url = reverse("courses:export", args=[course.slug, "epub"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(url)
        client.get(url)
    assert len(queued) == 1
    assert b"data-export-progress" in page.content and b"queued" in page.content
    state = client.get(url, headers={"Accept": "application/json"}).json()
    assert state == {"ready": False, "status": "queued", "percent": 0, "message": state["message"], "error": ""}
    export = CourseExport.objects.get()
    services.export_build(export_id=export.pk)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.parts_done == export.parts_total == 3
    assert client.get(url).status_code == 200 and CourseExport.objects.count() == 1

    publish(modules_of(course)[0], title="Intro, revised")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert CourseExport.objects.count() == 2
    assert "Intro, revised" in epub_texts(b"".join(client.get(url).streaming_content))["OEBPS/nav.xhtml"]


def test_a_failed_build_says_so_and_is_tried_again_a_while_later(site_tree, client, django_capture_on_commit_callbacks):
    course = published_course(modules=["Intro"])
    url = reverse("courses:export", args=[course.slug, "epub"])
    client.get(url)
    failed_at = timezone.now()
    CourseExport.objects.update(status=ExportStatus.FAILED, error="The file could not be built.", finished_at=failed_at)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = client.get(url)
    assert not queued
    assert b'role="alert"' in page.content and b"could not be built" in page.content
    assert b"data-export-progress" not in page.content

    later = time_machine.travel(failed_at + services.RETRY_AFTER, tick=False)
    with later, django_capture_on_commit_callbacks(execute=True) as queued:
        client.get(url)
    assert len(queued) == 1
    assert CourseExport.objects.get().status == ExportStatus.READY


def test_the_course_page_links_every_download_and_a_pinned_link_names_the_version(site_tree, client):
    course = published_course(modules=["Intro"])
    page = client.get(course.url).content.decode()
    for fmt in ("epub", "pdf", "cc"):
        assert f'href="{reverse("courses:export", args=[course.slug, fmt])}"' in page
    assert "Download: " in page and ">Common Cartridge</a>" in page

    intro = modules_of(course)[0]
    url = export_url_for(
        course, "epub", course_revision_id=course.live_revision_id, module_revision_ids=[intro.live_revision_id]
    )
    assert url.endswith(f"?revision={course.live_revision_id}&module={intro.live_revision_id}")
    assert client.get(url).status_code == 200
    assert CourseExport.objects.get().module_revisions == [[intro.pk, intro.live_revision_id]]


def test_only_the_newest_few_built_versions_are_kept(site_tree, settings):
    course = published_course(modules=["Intro"])
    intro = modules_of(course)[0]
    built = []
    for number in range(services.KEEP_PER_FORMAT + 2):
        intro = publish(intro, title=f"Intro {number}")
        export = services.export_request(edition=live_edition(course), format="epub")
        built.append(services.export_build(export_id=export.pk))
    kept = CourseExport.objects.order_by("pk")
    assert [export.pk for export in kept] == [export.pk for export in built[-services.KEEP_PER_FORMAT :]]
    files = {path.name for path in Path(settings.MEDIA_ROOT).rglob("*.epub")}
    assert files == {f"{course.slug}.epub"} and len(list(Path(settings.MEDIA_ROOT).rglob("*.epub"))) == 3
