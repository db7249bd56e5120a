"""Import into a new draft course from Word, EPUB and Common Cartridge (round trips through our own
exports), and every kind of bad file refused with a clear message, leaving nothing behind."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from courses.exports.editions import live_edition
from courses.exports.formats import BUILDERS
from courses.imports.archives import ImportRefused
from courses.imports.services import course_import
from courses.models import CoursePage, Derivation, ModulePage
from tests.courses.exports.export_setup import RICH_MODULE, exported_course
from tests.courses.factories import course_index
from tests.courses.imports.import_files import BILLION_LAUGHS, cartridge_with_page, docx, png, zipped
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(site_tree):
    course_index()
    return UserFactory()


def kinds(module: ModulePage) -> list[str]:
    return [block.block_type for block in module.body]


def test_round_trips_through_our_cartridge_and_epub_keep_modules_block_kinds_and_licence(author):
    source = exported_course()
    edition = live_edition(source)
    titles = [module.title for module in edition.modules]
    source_rich = next(module for module in edition.modules if module.title == RICH_MODULE)
    for fmt, filename in (("cc", "course.imscc"), ("epub", "course.epub")):
        course = course_import(user=author, filename=filename, data=BUILDERS[fmt].build(edition))
        assert not course.live and course.licence == "CC-BY-NC-SA-4.0" and course.title == source.title
        modules = list(ModulePage.objects.child_of(course).order_by("path"))
        assert [module.title for module in modules] == titles, fmt
        assert all(not module.live for module in modules)
        rich = next(module for module in modules if module.title == RICH_MODULE)
        # A cartridge carries discussions and activities as items of their own, after the module's page.
        assert sorted(kinds(rich)) == sorted(kinds(source_rich)), fmt
        if fmt == "epub":
            assert kinds(rich) == kinds(source_rich)
        assert rich.summary == source_rich.summary and len(rich.objectives) == len(source_rich.objectives)
        image = next(block.value["image"] for block in rich.body if block.block_type == "image")
        assert image.collection_id == course.collection_id
    cartridge_course = CoursePage.objects.filter(title=source.title, live=False).order_by("pk").first()
    rich = ModulePage.objects.child_of(cartridge_course).get(title=RICH_MODULE)
    activity = next(block.value for block in rich.body if block.block_type == "activity")
    assert activity["title"] == "Share your plan" and activity["reviews_per_submission"] == 0


def test_a_word_document_becomes_a_draft_course_with_a_module_per_heading_and_its_source_kept(author, client):
    data = docx(
        [
            ("Heading1", "Getting started"),
            ("", "Read this first."),
            ("Heading2", "A section"),
            ("", "More text."),
            ("Heading1", "Going further"),
            ("", "The end."),
        ],
        title="Circles handbook",
        rights="CC BY 4.0 https://creativecommons.org/licenses/by/4.0/",
    )
    client.force_login(author)
    upload = SimpleUploadedFile("handbook.docx", data)
    response = client.post(reverse("courses:import"), {"file": upload})
    course = CoursePage.objects.get(title="Circles handbook")
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert course.licence == "CC-BY-4.0" and not course.live
    assert course.credits.get().person == author
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    assert [module.title for module in modules] == ["Getting started", "Going further"]
    assert kinds(modules[0]) == ["text", "heading", "text"]


def test_an_epub_states_its_source_which_is_kept_as_an_external_source(author):
    source = exported_course()
    edition = live_edition(source)
    course = course_import(user=author, filename="c.epub", data=BUILDERS["epub"].build(edition))
    link = Derivation.objects.get(target_course=course)
    assert link.external and link.source_url == edition.url and link.licence == "CC-BY-NC-SA-4.0"
    assert link.snapshot["authors"] == [{"name": credit.name} for credit in edition.credits]


BAD_FILES = [
    ("notes.txt", b"hello", "Choose a Word document"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable zip archive"),
    ("broken.epub", zipped({"mimetype": "text/plain"}), "“mimetype” file is missing or wrong"),
    ("bomb.imscc", zipped({"imsmanifest.xml": "<manifest/>", "zeros.bin": b"\0" * (5 * 2**20)}), "zip bomb"),
    ("laughs.imscc", zipped({"imsmanifest.xml": BILLION_LAUGHS}), "declares XML entities"),
    ("escape.imscc", zipped({"../evil.xml": "<a/>", "imsmanifest.xml": "<manifest/>"}), "unsafe path"),
    ("nothing.imscc", zipped({"imsmanifest.xml": "<manifest/>"}), "no content that could become a module"),
    (
        "huge.imscc",
        cartridge_with_page('<html><body><p>Hi</p><img src="big.png" alt="Big"/></body></html>', image=png(8000, 6000)),
        "too large",
    ),
]


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES, ids=[name for name, _d, _m in BAD_FILES])
def test_a_bad_file_is_refused_by_name_and_nothing_is_created(author, client, settings, filename, data, message):
    client.force_login(author)
    courses_before = CoursePage.objects.count()
    response = client.post(reverse("courses:import"), {"file": SimpleUploadedFile(filename, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CoursePage.objects.count() == courses_before
    assert not get_image_model().objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("import-*"))


def test_only_people_who_may_start_a_course_may_import(site_tree, client):
    url = reverse("courses:import")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(verified=False))
    assert client.get(url).status_code == 403


def test_the_start_a_course_page_offers_to_import_a_file(author, client):
    client.force_login(author)
    page = client.get(reverse("courses:start")).content.decode()
    assert f'<a href="{reverse("courses:import")}">Import a file</a>' in page
    assert client.get(reverse("courses:import")).status_code == 200


def test_an_image_written_before_a_failure_is_removed_again(author, settings):
    good = png(10, 10)
    page = '<html><body><p>One</p><img src="a.png" alt="A"/><img src="b.png" alt="B"/></body></html>'
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(cartridge_with_page(page, image=good))) as source,
        zipfile.ZipFile(data, "w") as out,
    ):
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("a.png", good)
        out.writestr("b.png", b"not a picture")
    with pytest.raises(ImportRefused, match="could not be read"):
        course_import(user=author, filename="two.imscc", data=data.getvalue())
    assert not get_image_model().objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("import-*"))
