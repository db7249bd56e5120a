"""Courses in several languages: translations linked to their source, their licence, credits and place in the
remix family, the catalog and course pages, and circles that follow a translation."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale, Page

from cohorts.models import Circle
from courses.models import CourseIndexPage, CoursePage, CreditRole, Derivation, DerivationKind, ModulePage
from courses.remix import queries, services
from home.seed import seed_people
from home.seed_courses import seed_courses
from home.seed_translations import seed_translations
from tests.cohorts.test_pages import start_form
from tests.courses.factories import CoursePageFactory
from tests.courses.remix_setup import publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FROZEN_AT = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


def translate(source, *, language="es", user=None, title="Aprender juntos", slug="aprender-juntos"):
    return services.course_translation_create(
        source=source, language=language, user=user or UserFactory(), title=title, slug=slug
    )


def published_translation(source, **kwargs):
    translation = translate(source, **kwargs)
    for module in ModulePage.objects.child_of(translation):
        publish(module, change_note="Traducido")
    return publish(translation)


class TestCreating:
    def test_a_translation_is_a_draft_in_the_languages_locale_linked_to_its_source(self):
        source = published_course(licence="CC-BY-SA-4.0", modules=["Intro", "Practice"])

        translation = translate(source)

        assert not translation.live
        assert translation.translation_key == source.translation_key
        assert translation.locale.language_code == "es"
        assert translation.language == "es"
        assert (translation.title, translation.slug) == ("Aprender juntos", "aprender-juntos")
        assert [module.title for module in ModulePage.objects.child_of(translation)] == ["Intro", "Practice"]
        assert [page.pk for page in source.get_translations()] == [translation.pk]

    def test_the_source_is_only_read(self):
        source = published_course()
        before = (source.latest_revision_id, source.title, source.slug, list(source.credits.values_list("pk")))

        translate(source)

        source.refresh_from_db()
        assert (source.latest_revision_id, source.title, source.slug, list(source.credits.values_list("pk"))) == before

    def test_only_a_published_course_in_another_site_language_is_translated(self):
        draft = CoursePageFactory(publish=False)
        with pytest.raises(ValidationError, match="Only a published course"):
            translate(draft)
        source = published_course()
        with pytest.raises(ValidationError, match="already has a version"):
            translate(source, language="en")
        with pytest.raises(ValidationError, match="already has a version"):
            translate(source, language="pt")  # a course language, but no locale of the site
        translate(source)
        with pytest.raises(ValidationError, match="already has a version"):
            translate(source, title="Otra vez", slug="otra-vez")

    def test_a_translation_gets_a_slug_no_course_of_any_locale_has(self):
        source = published_course()
        CoursePageFactory(slug="aprender-juntos")

        translation = translate(source, slug="aprender-juntos")

        assert translation.slug == "aprender-juntos-2"


class TestLicence:
    def test_a_translation_carries_its_sources_licence_and_may_not_change_it(self):
        source = published_course(licence="CC-BY-NC-4.0")
        translation = translate(source)
        assert translation.licence == "CC-BY-NC-4.0"

        draft = translation.get_latest_revision_as_object()
        draft.licence = "CC-BY-NC-SA-4.0"  # what the resolver allows a remix of a BY-NC course, not a translation
        refusals = queries.publish_refusals(draft)

        assert refusals == [
            "A translation keeps the licence of the course it translates: publish it under CC BY-NC 4.0."
        ]
        assert queries.publish_refusals(translation.get_latest_revision_as_object()) == []

    @pytest.mark.parametrize("licence", ["CC-BY-ND-4.0", "CC-BY-NC-ND-4.0"])
    def test_an_nd_course_is_refused_with_the_resolvers_reason(self, licence):
        source = published_course(licence=licence)

        with pytest.raises(ValidationError) as refused:
            translate(source)

        assert "allows no adaptations" in " ".join(refused.value.messages) or "ND" in " ".join(refused.value.messages)
        assert not CoursePage.objects.filter(translation_key=source.translation_key).exclude(pk=source.pk).exists()

    def test_an_nd_course_copied_by_the_admins_translate_action_cannot_be_published(self):
        source = published_course(licence="CC-BY-ND-4.0")
        locale, _ = Locale.objects.get_or_create(language_code="es")

        copy = source.copy_for_translation(locale, copy_parents=True)

        refusals = queries.publish_refusals(CoursePage.objects.get(pk=copy.pk).get_latest_revision_as_object())
        assert any(refusal.startswith("It can't be published under CC BY-ND 4.0") for refusal in refusals)

    def test_the_translate_page_says_why_an_nd_course_cannot_be_translated(self, client):
        source = published_course(licence="CC-BY-ND-4.0")
        client.force_login(UserFactory())

        response = client.get(reverse("courses:translate", args=[source.pk]))

        assert response.status_code == 200
        assert "can't be translated" in response.text
        assert "Create my translation" not in response.text


class TestCreditsAndRemixFamily:
    def test_the_translator_is_credited_with_consent_and_may_edit_it(self):
        translator = UserFactory()
        source = published_course()

        translation = translate(source, user=translator)

        roles = set(translation.credits.filter(person=translator).values_list("role", flat=True))
        assert roles == {CreditRole.TRANSLATOR, CreditRole.MAINTAINER}
        assert translation.credits.accepted().count() == 2
        assert translation.permissions_for_user(translator).can_edit()
        assert translation.get_latest_revision_as_object().credits.count() == 2

    def test_a_translation_is_an_adaptation_of_the_sources_published_revision_with_frozen_attribution(self):
        source = published_course(modules=["Intro"])
        translation = translate(source)

        link = Derivation.objects.get(target_page=translation)
        assert link.kind == DerivationKind.ADAPTATION
        assert link.source_course_id == source.pk
        assert link.source_revision_id == source.live_revision_id
        assert link.snapshot["title"] == source.title
        assert [author["name"] for author in link.snapshot["authors"]] == [
            credit.name for credit in source.credits.public()
        ]
        assert link.changes == "Translated into Spanish"
        module_link = Derivation.objects.get(target_page=ModulePage.objects.child_of(translation).get())
        assert module_link.part_of == link

    def test_the_remix_family_lists_the_published_translation(self, client):
        source = published_course()
        translation = published_translation(source)

        page = client.get(source.remix_family_url).text

        assert translation.title in page
        assert translation.url in page

    def test_the_admins_translate_action_credits_the_person_in_its_log_context(self):
        from wagtail.log_actions import LogContext

        translator = UserFactory()
        source = published_course()
        locale, _ = Locale.objects.get_or_create(language_code="fr")

        with LogContext(user=translator):
            copy = source.copy_for_translation(locale, copy_parents=True)

        translation = CoursePage.objects.get(pk=copy.pk)
        assert translation.language == "fr"
        assert translation.slug == f"{source.slug}-fr"
        assert translation.credits.get(role=CreditRole.TRANSLATOR).person == translator
        assert Derivation.objects.filter(target_page=translation, source_course=source).count() == 1


class TestCatalogAndCoursePages:
    def test_the_spanish_course_is_served_at_its_own_slug_under_courses(self, client):
        source = published_course()
        translation = published_translation(source)

        assert translation.url == "/courses/aprender-juntos/"
        assert client.get("/courses/aprender-juntos/").status_code == 200
        assert client.get("/courses/aprender-juntos/", HTTP_ACCEPT_LANGUAGE="es").status_code == 200
        assert client.get(source.url, HTTP_ACCEPT_LANGUAGE="es").status_code == 200
        module = ModulePage.objects.child_of(translation).first()
        assert client.get(module.url).status_code == 200

    def test_a_translations_text_is_marked_with_its_language_whatever_the_interfaces(self, client):
        source = published_course(title="Learning together", modules=["Intro"])
        translation = published_translation(source, language="ar", title="التعلم معا", slug="altaallum-maan")
        module = ModulePage.objects.child_of(translation).get()

        course_page = client.get(translation.url, HTTP_ACCEPT_LANGUAGE="en").text
        module_page = client.get(module.url, HTTP_ACCEPT_LANGUAGE="en").text
        english = client.get(source.url, HTTP_ACCEPT_LANGUAGE="en").text

        assert '<h1 lang="ar" dir="rtl">التعلم معا</h1>' in course_page
        assert '<h1 lang="ar" dir="rtl">Intro</h1>' in module_page
        assert '<div class="module-content" lang="ar" dir="rtl">' in module_page
        assert '<h1 lang="en">Learning together</h1>' in english

    def test_the_catalog_lists_every_languages_courses_and_filters_by_language(self, client):
        source = published_course(title="Learning together")
        published_translation(source, title="Aprender juntos")
        catalog = source.get_parent().url

        everything = client.get(catalog).text
        spanish = client.get(catalog, {"language": "es"}).text

        assert ">Learning together</a>" in everything and ">Aprender juntos</a>" in everything
        assert ">Aprender juntos</a>" in spanish and ">Learning together</a>" not in spanish

    def test_each_card_and_course_page_links_to_the_other_languages(self, client):
        source = published_course(title="Learning together")
        translation = published_translation(source)

        card = client.get(source.get_parent().url).text
        english = client.get(source.url).text
        spanish = client.get(translation.url).text

        assert f'<a href="{translation.url}" hreflang="es" lang="es">español</a>' in card
        assert f'<a href="{source.url}" hreflang="en" lang="en">English</a>' in card
        assert f'<a href="{translation.url}" hreflang="es" lang="es">español</a>' in english
        assert 'rel="alternate" hreflang="es"' in english
        assert f'<a href="{source.url}" hreflang="en" lang="en">English</a>' in spanish

    def test_a_draft_translation_is_not_offered(self, client):
        source = published_course()
        draft = translate(source)

        page = client.get(source.url).text
        assert draft.slug not in page
        assert "This course in other languages" not in page

    @pytest.mark.parametrize("size", [2, 5])
    def test_the_catalogs_queries_do_not_grow_with_translations(self, client, django_assert_num_queries, size):
        for number in range(size):
            course = published_course(title=f"Course {number}", modules=[])
            published_translation(course, title=f"Curso {number}", slug=f"curso-{number}")
        url = CourseIndexPage.objects.filter(alias_of__isnull=True).get().url
        client.get(url)  # the site and its settings cached

        with django_assert_num_queries(QUERIES_FOR_CATALOG):
            response = client.get(url)

        # Each card's link to its translation and back, besides the page's own alternates (every language
        # and x-default).
        assert response.text.count("hreflang=") == 2 * size + len(settings.LANGUAGES) + 1


#: The catalog page's queries, whatever the number of courses and translations.
QUERIES_FOR_CATALOG = 9


class TestCircles:
    @time_machine.travel(FROZEN_AT, tick=False)
    def test_the_facilitator_chooses_the_language_of_the_version_the_circle_follows(self, client):
        source = published_course()
        translation = published_translation(source)
        facilitator = UserFactory()
        client.force_login(facilitator)
        url = reverse("cohorts:start", args=[source.pk])

        form = client.get(url).text
        response = client.post(url, {**start_form(language="es"), "course_version": str(translation.pk)})

        assert "Language of the course" in form
        assert response.status_code == 302
        circle = Circle.objects.get(created_by=facilitator)
        assert circle.course_id == translation.pk
        assert circle.course_revision.object_id == str(translation.pk)

    @time_machine.travel(FROZEN_AT, tick=False)
    def test_a_course_without_translations_offers_no_choice(self, client):
        source = published_course()
        client.force_login(UserFactory())

        assert "course_version" not in client.get(reverse("cohorts:start", args=[source.pk])).text


class TestDemoData:
    def test_the_demo_spanish_translation_is_published_and_seeding_again_changes_nothing(self, site_tree, client):
        seed_people()
        seed_courses()
        (translation,) = seed_translations()

        assert translation.live and translation.language == "es"
        assert translation.url == "/courses/introduccion-a-la-alfabetizacion-de-datos/"
        modules = list(ModulePage.objects.child_of(translation).order_by("path"))
        assert [module.title for module in modules][0] == "De dónde salen los números"
        assert all(module.live for module in modules)
        assert queries.publish_refusals(translation) == []
        assert client.get(translation.url).status_code == 200
        pages = Page.objects.count()
        assert seed_translations() == [translation]
        assert Page.objects.count() == pages


class TestTranslatePage:
    def test_a_verified_learner_creates_a_translation_and_edits_it_in_the_admin(self, client):
        source = published_course()
        translator = UserFactory()
        client.force_login(translator)
        url = reverse("courses:translate", args=[source.pk])

        form = client.get(url).text
        response = client.post(url, {"language": "fr", "title": "Apprendre ensemble", "slug": ""})

        assert '<option value="fr">' in form and '<option value="en">' not in form
        translation = CoursePage.objects.get(translation_key=source.translation_key, language="fr")
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_pages:edit", args=[translation.pk])
        assert translation.slug == "apprendre-ensemble"
        assert translation.credits.get(role=CreditRole.TRANSLATOR).person == translator

    def test_wrong_side(self, client):
        source = published_course()
        draft = CoursePageFactory(publish=False)
        url = reverse("courses:translate", args=[source.pk])

        assert client.get(url).status_code == 302  # anonymous: to sign in
        assert "/accounts/login/" in client.post(url, {"language": "es", "title": "X"}).url
        client.force_login(UserFactory(verified=False))
        client.post(url, {"language": "es", "title": "Aprender"})
        client.force_login(UserFactory())
        assert client.get(reverse("courses:translate", args=[draft.pk])).status_code == 404
        assert (
            client.post(reverse("courses:translate", args=[draft.pk]), {"language": "es", "title": "X"}).status_code
            == 404
        )
        assert not CoursePage.objects.filter(language="es").exists()
