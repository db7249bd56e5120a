"""A visitor downloads a course as EPUB from its page (through the progress page), and an author is told
plainly why a file cannot be imported; axe audits every page on the way."""

from tests.browser.conftest import axe_settled, switch_to
from tests.courses.remix_setup import published_course
from tests.factories import UserFactory


def test_visitor_downloads_the_epub_from_the_course_page(page, site_tree):
    course = published_course(modules=["Intro", "Practice"], title="Maps for everyone")
    page.goto(course.url)
    axe_settled(page)
    page.get_by_role("region", name="Download").get_by_role("link", name="EPUB").click()
    page.wait_for_url("**/export/epub/")
    axe_settled(page)
    assert page.get_by_role("heading", name="EPUB of “Maps for everyone”").is_visible()
    assert page.get_by_role("status").is_visible()
    # The page asks for the build's progress and starts the download by itself once the file is ready.
    with page.expect_download(timeout=20_000) as download:
        pass
    assert download.value.suggested_filename == f"{course.slug}.epub"


def test_author_is_told_why_a_file_cannot_be_imported(page, live_server, site_tree, tmp_path):
    switch_to(page, live_server, UserFactory())
    page.goto("/courses/start/import/")
    axe_settled(page)
    notes = tmp_path / "notes.txt"
    notes.write_text("Just some notes.")
    page.get_by_label("File to import").set_input_files(str(notes))
    page.get_by_role("button", name="Import", exact=True).click()
    axe_settled(page)
    assert page.get_by_text("Choose a Word document (.docx), an EPUB (.epub) or a Common Cartridge").is_visible()
