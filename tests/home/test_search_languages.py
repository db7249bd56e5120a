"""Search in every shipped language: on PostgreSQL each page is indexed with its own language's stemming and a
query is read in each language, so another form of a word finds the course written in that language, and a
word still finds the course that contains it as typed, whatever the reader's or the course's language."""

import pytest
from django.conf import settings
from django.db import connection
from wagtail.models import PageViewRestriction

from courses.models import ModulePage
from courses.remix import services
from home.seed import seed_people
from home.seed_courses import seed_courses
from home.seed_translations import SPANISH_DATA_LITERACY, seed_translations
from p2pu.core.search_backends import TEXT_SEARCH_CONFIGS, text_search_config
from tests.courses.factories import CoursePageFactory
from tests.courses.remix_setup import publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPANISH_TITLE = SPANISH_DATA_LITERACY["title"]  # "Introducción a la alfabetización de datos"


@pytest.fixture
def demo_courses(home_page):
    """The demo catalog with its Spanish translation, as seed_demo makes them."""
    seed_people()
    seed_courses()
    return seed_translations()


@pytest.fixture
def french_course(home_page):
    """A course whose French version alone says "communication" (English stemming reads it "communic", French
    "commun")."""
    source = published_course(title="Learning together", summary="How peers learn by talking things over.")
    translation = services.course_translation_create(
        source=source, language="fr", user=UserFactory(), title="Apprendre ensemble", slug="apprendre-ensemble"
    )
    for module in ModulePage.objects.child_of(translation):
        publish(module, change_note="Traduit")
    return publish(translation, summary="La communication entre pairs, sans professeur.")


def result_titles(client, query: str, language: str) -> list[str]:
    response = client.get("/search/", {"q": query}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [page.title for page in response.context["results"]]


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(f"stemming needs PostgreSQL's text search; this run uses {connection.vendor} (set DATABASE_URL)")


def test_every_shipped_language_is_stemmed():
    assert set(TEXT_SEARCH_CONFIGS) == {code for code, _name in settings.LANGUAGES}
    assert text_search_config("es-mx", "simple") == "spanish"
    assert text_search_config("sw", "simple") == "simple"  # a language PostgreSQL does not stem: words as written
    assert text_search_config("", "simple") == "simple"


def test_a_word_as_written_finds_the_course_that_contains_it_on_any_database(client, french_course):
    assert result_titles(client, "communication", "en") == ["Apprendre ensemble"]


@pytest.mark.postgres
def test_the_configurations_exist_in_postgresql(db):
    needs_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        available = {name for (name,) in cursor.fetchall()}
    assert set(TEXT_SEARCH_CONFIGS.values()) | {"simple"} <= available


@pytest.mark.postgres
def test_another_form_of_a_spanish_word_finds_the_spanish_demo_course_once(client, demo_courses):
    needs_postgresql()
    # "alfabetizar" (to teach literacy) and "alfabetización" share their Spanish stem, not a simple or English one.
    titles = result_titles(client, "alfabetizar", "es")
    assert titles == [SPANISH_TITLE]
    # Words that match in several readings (simple and Spanish: "datos") list each page once.
    titles = result_titles(client, "gráficos datos", "es")
    assert SPANISH_TITLE in titles
    assert len(titles) == len(set(titles))
    # The interface language does not say what language a reader types in: every reading applies.
    assert result_titles(client, "alfabetizar", "en") == [SPANISH_TITLE]


@pytest.mark.postgres
def test_an_english_query_finds_the_french_course_containing_the_word(client, french_course):
    needs_postgresql()
    # English stemming alone reads "communic" and missed the French course's "commun".
    assert result_titles(client, "communication", "en") == ["Apprendre ensemble"]
    # French stemming finds another form of the word.
    assert result_titles(client, "communications", "fr") == ["Apprendre ensemble"]


@pytest.mark.postgres
def test_unpublished_and_private_courses_never_appear(client, home_page):
    needs_postgresql()
    CoursePageFactory(title="Borrador de alfabetización", slug="borrador", language="es", publish=False)
    private = CoursePageFactory(title="Alfabetización privada", slug="privada", language="es")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    public = CoursePageFactory(title="Alfabetización pública", slug="publica", language="es")

    assert result_titles(client, "alfabetizar", "es") == [public.title]
    client.force_login(UserFactory())
    assert result_titles(client, "alfabetizar", "es") == [public.title]
