"""Courses in several languages: translations linked to their source, in the catalog and on course pages."""

import pytest

from courses.models import ModulePage
from courses.remix import services
from tests.courses.remix_setup import published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def translate(source, *, language="es", user=None, title="Curso traducido", slug=""):
    return services.course_translation_create(
        source=source, language=language, user=user or UserFactory(), title=title, slug=slug
    )


class TestCreating:
    def test_a_translation_is_a_draft_in_the_languages_locale_linked_to_its_source(self):
        source = published_course(licence="CC-BY-SA-4.0", modules=["Intro", "Practice"])

        translation = translate(source, title="Aprender juntos", slug="aprender-juntos")

        assert not translation.live
        assert translation.translation_key == source.translation_key
        assert translation.locale.language_code == "es"
        assert translation.language == "es"
        assert translation.title == "Aprender juntos"
        assert translation.slug == "aprender-juntos"
        assert [module.title for module in ModulePage.objects.child_of(translation)] == ["Intro", "Practice"]
