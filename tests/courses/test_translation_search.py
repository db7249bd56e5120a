"""Search in the learner's language: on PostgreSQL, pages are indexed with their language's text search
configuration and queries read with the visitor's, so a Spanish word form finds the Spanish course."""

import pytest
from django.db import connection
from wagtail.search.models import IndexEntry

from courses.models import ModulePage
from courses.remix import services
from p2pu.core.search_backends import text_search_config
from tests.courses.remix_setup import publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_course():
    source = published_course(title="Learning together", summary="How a group of peers learns without a teacher.")
    translation = services.course_translation_create(
        source=source, language="es", user=UserFactory(), title="Aprendiendo juntos", slug="aprendiendo-juntos"
    )
    for module in ModulePage.objects.child_of(translation):
        publish(module, change_note="Traducido")
    return publish(translation, summary="Cómo aprende un grupo de pares sin profesor.")


def catalog_titles(client, query: str, language: str) -> str:
    return client.get("/courses/", {"q": query}, HTTP_ACCEPT_LANGUAGE=language).text


def test_text_search_configs_by_language_code():
    assert text_search_config("es", None) == "spanish"
    assert text_search_config("es-mx", None) == "spanish"
    assert text_search_config("fr", "english") == "french"
    assert text_search_config("sw", "english") == "english"  # PostgreSQL has no Swahili stemmer
    assert text_search_config("", None) is None


def test_a_spanish_query_finds_the_spanish_course(spanish_course, client):
    page = catalog_titles(client, "juntos", "es")

    assert ">Aprendiendo juntos</a>" in page
    assert ">Learning together</a>" not in page


@pytest.mark.postgres
def test_on_postgresql_another_form_of_a_spanish_word_finds_the_spanish_course(spanish_course, client):
    if connection.vendor != "postgresql":
        pytest.skip(f"stemming by language needs PostgreSQL's text search; this run uses {connection.vendor}")
    entry = IndexEntry.objects.get(object_id=str(spanish_course.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector @@ to_tsquery('spanish', 'aprend')", [str(entry.title)])
        assert cursor.fetchone()[0]  # indexed with the Spanish stemmer: "aprendiendo" is stored as "aprend"

    # "aprendemos" (we learn) and "aprendiendo" (learning) share their Spanish stem, not an English one.
    assert ">Aprendiendo juntos</a>" in catalog_titles(client, "aprendemos", "es")
