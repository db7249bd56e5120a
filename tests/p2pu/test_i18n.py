"""Languages: how a page's language is chosen, the switcher, hreflang alternates, the page cache per language,
and e-mail, notifications and calendar feeds in the recipient's language.

Needs the compiled catalogues (`make install` compiles locale/*/LC_MESSAGES/*.po).
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from p2pu.core.languages import language_choose
from p2pu.core.page_cache import HIT_HEADER
from p2pu.notifications.kinds import Frequency
from p2pu.notifications.services import digest_deliver, notification_send, preference_set
from tests.factories import DEFAULT_PASSWORD, UserFactory

SPANISH_HEADER = ("Cursos", "Círculos de estudio", "Iniciar sesión", "Saltar al contenido")
SPANISH_FOOTER = ("aprendizaje abierto entre pares", "Mapa del sitio", "Cambiar idioma")


def html_tag(page) -> str:
    return re.search(r"<html[^>]*>", page.content.decode()).group(0)


# Choosing among candidates (no Django): the property tests of p2pu.core.languages.

SUPPORTED = ("en", "es", "fr", "ar")
codes = st.sampled_from(["", "es", "ES", "es-MX", "es_AR", "fr", "fr-CA", "ar", "ar-EG", "de", "zh-hans", "en-GB"])


@hypothesis_settings(deadline=None)
@given(st.lists(st.one_of(st.none(), codes), max_size=4))
def test_the_choice_is_always_a_supported_language(candidates):
    assert language_choose(candidates, supported=SUPPORTED, default="en") in SUPPORTED


@hypothesis_settings(deadline=None)
@given(st.lists(st.one_of(st.none(), codes), max_size=4), codes)
def test_a_supported_first_candidate_wins_whatever_follows(rest, first):
    chosen = language_choose([first, *rest], supported=SUPPORTED, default="en")
    base = first.lower().replace("_", "-").split("-")[0]
    if base in SUPPORTED:
        assert chosen == base
    else:
        assert chosen == language_choose(rest, supported=SUPPORTED, default="en")


def test_nothing_usable_gives_the_default():
    assert language_choose([None, "", "de", "pt-BR"], supported=SUPPORTED, default="en") == "en"


# Pages


def test_accept_language_spanish_gives_spanish_header_footer_and_lang(client, home_page):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert 'lang="es"' in html_tag(page) and 'dir="ltr"' in html_tag(page)
    for words in SPANISH_HEADER + SPANISH_FOOTER + ("Cómo funciona un círculo de estudio", "Encuentra un curso"):
        assert words in html
    assert page["Content-Language"] == "es"


def test_english_is_the_default(client, home_page):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert 'lang="en"' in html_tag(page)
    assert "Study circles" in page.content.decode()


def test_arabic_reads_right_to_left(client, home_page):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="ar"' in html_tag(page) and 'dir="rtl"' in html_tag(page)
    assert "حلقات الدراسة" in page.content.decode()


def test_the_lang_query_wins_over_the_cookie_and_the_browser(client, home_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/?lang=es", HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="es"' in html_tag(page)
    # An unknown code changes nothing: the cookie still decides.
    assert 'lang="fr"' in html_tag(client.get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="ar"))


def test_the_cookie_wins_over_the_browser(client, home_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert 'lang="fr"' in html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="es"))


def test_a_signed_in_persons_profile_language_wins_over_cookie_and_browser(client, home_page):
    person = UserFactory(preferred_language="ar")
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert 'dir="rtl"' in html_tag(page)
    # Their cookie follows the profile, so the site stays in Arabic after they sign out.
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_hreflang_alternates_for_every_language_and_x_default(client, home_page):
    html = client.get("/?page=2&lang=fr").content.decode()
    for code in ("en", "es", "fr", "ar"):
        assert f'<link rel="alternate" hreflang="{code}" href="{settings.SITE_URL}/?page=2&amp;lang={code}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{settings.SITE_URL}/?page=2">' in html


def test_the_sitemap_lists_each_page_in_every_language(client, home_page):
    xml = client.get(reverse("sitemap")).content.decode()
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in xml
    home = f"{settings.SITE_URL}/"
    assert f'<xhtml:link rel="alternate" hreflang="es" href="{home}?lang=es"/>' in xml
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{home}"/>' in xml


def test_the_page_cache_keeps_one_copy_per_language(home_page, settings):
    settings.PAGE_CACHE_ENABLED = True
    spanish, english = Client(), Client()
    first_es = spanish.get("/", HTTP_ACCEPT_LANGUAGE="es")
    first_en = english.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (first_es[HIT_HEADER], first_en[HIT_HEADER]) == ("miss", "miss")
    again_es = spanish.get("/", HTTP_ACCEPT_LANGUAGE="es")
    again_en = english.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (again_es[HIT_HEADER], again_en[HIT_HEADER]) == ("hit", "hit")
    assert "Círculos de estudio" in again_es.content.decode()
    assert "Círculos de estudio" not in again_en.content.decode()
    assert {"Accept-Language", "Cookie"} <= {part.strip() for part in again_es["Vary"].split(",")}
    # The switcher on a cached page carries no CSRF token (it would be one visitor's, shown to all).
    assert "csrfmiddlewaretoken" not in again_es.content.decode()


def test_a_cached_english_page_is_never_served_to_a_spanish_visitor(home_page, settings):
    """The key is the language finally chosen (after ?lang, the cookie and Accept-Language), not a header."""
    settings.PAGE_CACHE_ENABLED = True
    english = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (english[HIT_HEADER], 'lang="en"' in html_tag(english)) == ("miss", True)

    by_header = Client().get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert (by_header[HIT_HEADER], 'lang="es"' in html_tag(by_header)) == ("miss", True)
    assert "Círculos de estudio" in by_header.content.decode()
    # Spanish by the cookie, though the browser asks for English: the Spanish copy.
    by_cookie = Client()
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    from_cookie = by_cookie.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (from_cookie[HIT_HEADER], 'lang="es"' in html_tag(from_cookie)) == ("hit", True)
    by_query = Client().get("/?lang=es", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="es"' in html_tag(by_query)

    english_again = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (english_again[HIT_HEADER], 'lang="en"' in html_tag(english_again)) == ("hit", True)


# The switcher


def test_switching_language_anonymously_sets_the_cookie_and_returns(client, home_page):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/courses/?page=2"})
    assert response.status_code == 302 and response["Location"] == "/courses/?page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert 'lang="es"' in html_tag(client.get("/"))


def test_switching_language_signed_in_saves_the_profile(home_page):
    person = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").content.decode()).group(1)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    person.refresh_from_db()
    assert person.preferred_language == "fr"


def test_a_forged_switch_does_not_touch_a_signed_in_persons_profile(home_page):
    person = UserFactory(preferred_language="es")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.preferred_language == "es"


def test_an_unknown_language_changes_nothing(client, user, home_page):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.preferred_language == ""


def test_signing_in_applies_the_profile_language(client, home_page):
    person = UserFactory(preferred_language="fr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    signed_in = client.post(reverse("account_login"), {"login": person.email, "password": DEFAULT_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert 'lang="fr"' in html_tag(client.get("/"))


def test_the_profile_form_offers_the_interface_language(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:profile_edit"))
    assert 'name="preferred_language"' in page.content.decode()
    data = {"display_name": "Ana", "bio": "", "time_zone": "UTC", "preferred_language": "ar", "languages": ["es"]}
    assert client.post(reverse("accounts:profile_edit"), data).status_code == 302
    user.refresh_from_db()
    assert (user.preferred_language, user.languages) == ("ar", ["es"])
    assert client.post(reverse("accounts:profile_edit"), {**data, "preferred_language": "de"}).status_code == 200


def test_the_javascript_catalogue_follows_the_language(client, db):
    catalogue = client.get(reverse("javascript_catalog"), HTTP_ACCEPT_LANGUAGE="es")
    assert catalogue.status_code == 200
    assert catalogue["Content-Type"].startswith("text/javascript")


# E-mail and notifications (circle messages, reminders and calendar feeds: tests/cohorts/test_languages.py)


def test_a_notification_to_a_spanish_profile_is_written_in_spanish(db, mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(preferred_language="es")
    preference_set(user=person, kind="accounts.welcome", frequency=Frequency.IMMEDIATELY)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipient=person, kind="accounts.welcome", title=gettext_lazy("Study circles"), dedupe_key="hola"
        )
    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    assert mail.subject == "Círculos de estudio"
    assert "Recibes este correo porque tienes una cuenta" in mail.body
    assert '<html lang="es" dir="ltr">' in html


def test_the_daily_digest_is_in_the_recipients_language(db, mailoutbox):
    person = UserFactory(preferred_language="es")
    preference_set(user=person, kind="accounts.welcome", frequency=Frequency.DAILY)
    notification_send(recipient=person, kind="accounts.welcome", title="Hola", dedupe_key="one")
    notification_send(recipient=person, kind="accounts.welcome", title="Otra", dedupe_key="two")
    assert digest_deliver(user_id=person.pk, date=dt.date(2030, 1, 1)) is True
    (mail,) = mailoutbox
    assert mail.subject == "Tu resumen diario: 2 notificaciones nuevas"
    assert "Tu resumen diario" in mail.body and "Ver todas tus notificaciones" in mail.body


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_every_catalogue_is_compiled(language):
    with translation.override(language):
        assert str(gettext_lazy("Skip to content")) != "Skip to content"
