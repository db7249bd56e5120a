"""The home page and the catalog in the reader's language: the demo's translations of them, and the pages and
links that show them."""

import pytest
from wagtail.models import Locale, Page, Revision

from courses.models import CourseIndexPage, CoursePage
from home.models import HomePage
from home.seed import seed_people
from home.seed_courses import DATA_LITERACY, seed_courses
from home.seed_translations import (
    SITE_PAGE_WORDS,
    SPANISH_DATA_LITERACY,
    seed_site_page_translations,
    seed_translations,
)

pytestmark = pytest.mark.django_db

ENGLISH_HERO = "Learn together, in the open."


@pytest.fixture
def seeded(site_tree):
    """The demo's people, courses and translations, in seed_demo's order."""
    seed_people()
    seed_courses()
    seed_translations()
    return seed_site_page_translations()


def english_pages() -> tuple[HomePage, CourseIndexPage]:
    return HomePage.objects.get(locale=Locale.get_default()), CourseIndexPage.objects.get(locale=Locale.get_default())


def translation_of(page, language):
    return page.get_translation(Locale.objects.get(language_code=language))


def test_the_spanish_aliases_a_course_translation_left_become_pages_of_their_own(site_tree):
    seed_people()
    seed_courses()
    seed_translations()
    aliases = {translation_of(page, "es").pk for page in english_pages()}
    assert Page.objects.filter(pk__in=aliases, alias_of__isnull=False).count() == 2

    seed_site_page_translations()

    assert set(Page.objects.filter(pk__in=aliases, alias_of__isnull=True, live=True).values_list("pk", flat=True)) == (
        aliases
    )


def test_every_shipped_language_has_a_live_home_page_and_catalog_of_its_own(seeded):
    english_home, english_catalog = english_pages()
    for language, words in SITE_PAGE_WORDS.items():
        home = translation_of(english_home, language)
        catalog = translation_of(english_catalog, language)
        assert home.live and catalog.live, language
        assert (home.alias_of_id, catalog.alias_of_id) == (None, None), language
        assert not (home.has_unpublished_changes or catalog.has_unpublished_changes), language
        assert (home.title, home.hero_heading, home.hero_text) == (
            english_home.title,
            words["home"]["hero_heading"],
            words["home"]["hero_text"],
        ), language
        assert catalog.title == words["catalog"]["title"], language
        assert catalog.get_parent().pk == home.pk, language
    # The English pages are as they were.
    assert (english_home.hero_heading, english_catalog.title) == (ENGLISH_HERO, "Courses")


def test_seeding_again_changes_nothing(seeded):
    pages, revisions = Page.objects.count(), Revision.objects.count()

    again = seed_site_page_translations()

    assert [page.pk for page in again] == [page.pk for page in seeded]
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_an_edited_translation_is_left_as_it_is(seeded):
    catalog = translation_of(english_pages()[1], "fr")
    catalog.title = "Catalogue"
    catalog.save_revision().publish()

    seed_site_page_translations()

    assert CourseIndexPage.objects.get(pk=catalog.pk).title == "Catalogue"


def test_a_reader_of_another_language_reads_the_hero_and_catalog_title_in_it(client, seeded):
    for language, words in SITE_PAGE_WORDS.items():
        home = client.get("/", HTTP_ACCEPT_LANGUAGE=language).text
        catalog = client.get("/courses/", HTTP_ACCEPT_LANGUAGE=language).text

        assert f"<h1>{words['home']['hero_heading']}</h1>" in home, language
        assert words["home"]["hero_text"] in home, language
        assert ENGLISH_HERO not in home, language
        assert f"<h1>{words['catalog']['title']}</h1>" in catalog, language
        assert f"<title>{words['catalog']['title']} · " in catalog, language


def test_an_english_reader_still_reads_english(client, seeded):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").text
    catalog = client.get("/courses/", HTTP_ACCEPT_LANGUAGE="en").text

    assert f"<h1>{ENGLISH_HERO}</h1>" in home
    assert "<h1>Courses</h1>" in catalog


def test_a_course_and_a_module_name_the_catalog_in_the_readers_language(client, seeded):
    """Whatever the course's own language: the Spanish translation's crumb names the catalog as the English
    course's does."""
    courses = CoursePage.objects.filter(slug__in=[DATA_LITERACY["slug"], SPANISH_DATA_LITERACY["slug"]])
    urls = [url for course in courses for url in (course.url, course.get_children().live().first().url)]
    assert len(urls) == 4
    for language, crumb in [("en", "Courses"), ("es", "Cursos"), ("fr", "Cours"), ("ar", "الدورات")]:
        for url in urls:
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
            assert f'<li><a href="/courses/">{crumb}</a></li>' in page, (language, url)
