"""A visitor whose browser asks for Spanish finds a course, signs up, joins a circle, is reminded of its first
meeting and downloads its calendar: every page, e-mail and calendar event is in Spanish.

The browser is found by the form's field names and the links' addresses rather than by their words, so the
journey works whatever the words are; what the words are is checked by reading them: any English phrase from
the Spanish catalogue (tests/browser/untranslated.py) in a page's visible text, an e-mail or the calendar
fails the test, with the list of every one met.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from cohorts.models import Membership
from cohorts.services.jobs import meeting_reminders_send
from p2pu.notifications.models import Notification
from tests.browser.conftest import audited_session, axe_settled
from tests.browser.untranslated import UntranslatedEnglish
from tests.cohorts.factories import make_circle
from tests.courses.factories import CoursePageFactory, ModulePageFactory, text_block
from tests.factories import UserFactory

PASSWORD = "una contraseña bien larga 42"


@pytest.fixture
def spanish_page(browser, live_server, axe_audit, settings):
    with audited_session(browser, live_server, axe_audit, settings, locale="es-ES") as page:
        yield page


@pytest.fixture
def spanish_circle(site_tree):
    course = CoursePageFactory(
        title="Huertos comunitarios",
        slug="huertos-comunitarios",
        summary="Cómo empezar un huerto con tus vecinos.",
        description="<p>Un curso para aprender juntos a cultivar en la ciudad.</p>",
        outcomes=[("outcome", "Planificar un huerto"), ("outcome", "Compartir la cosecha")],
        language="es",
    )
    for number in (1, 2):
        ModulePageFactory(
            parent=course,
            title=f"Parte {number}",
            slug=f"huertos-parte-{number}",
            summary="Lo que cubre esta parte.",
            objectives=[("objective", "Explicar la idea con tus palabras")],
            body=[text_block(f"<p>Lee la parte {number} y coméntala.</p>")],
        )
    facilitator = UserFactory(display_name="Lucía Fernández")
    return make_circle(
        course=course,
        facilitator=facilitator,
        name="Huerteros de los martes",
        description="Nos vemos cada semana para avanzar en el curso.",
        language="es",
        weeks=2,
    )


def read(page, reader: UntranslatedEnglish) -> None:
    """Audit the page, check it says it is Spanish, and read what it shows."""
    axe_settled(page)
    assert page.locator("html").get_attribute("lang") == "es", page.url
    reader.read_page(page)


def follow(page, selector: str, reader: UntranslatedEnglish) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()
    read(page, reader)


def submit(page, field_selector: str) -> None:
    """Submit the form a field is in, as pressing Enter in it does."""
    with page.expect_navigation():
        page.locator(field_selector).press("Enter")


def received(address: str):
    return [message for message in mail.outbox if address in message.to]


def test_a_spanish_visitor_finds_a_course_signs_up_joins_and_is_reminded_in_spanish(
    spanish_page, spanish_circle, live_server
):
    page, circle, course = spanish_page, spanish_circle, spanish_circle.course
    reader = UntranslatedEnglish("es")

    page.goto("/")
    read(page, reader)
    follow(page, 'a[href="/courses/"]', reader)
    follow(page, f'main a[href="{course.url}"]', reader)
    follow(page, f'main a[href="{course.get_children().first().url}"]', reader)

    follow(page, 'a[href^="/accounts/signup/"]', reader)
    page.locator("input[name=email]").fill("marta@example.org")
    page.locator("input[name=username]").fill("marta")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit(page, "input[name=password2]")
    page.wait_for_url("**/accounts/confirm-email/")
    read(page, reader)

    (verification,) = received("marta@example.org")
    reader.read("the verification e-mail", f"{verification.subject}\n{verification.body}")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", verification.body).group(0)
    page.goto(link)
    read(page, reader)
    with page.expect_navigation():
        page.locator('main form[action*="/accounts/confirm-email/"] [type=submit]').click()
    page.wait_for_url("**/accounts/login/")
    read(page, reader)
    page.locator("input[name=login]").fill("marta@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, "input[name=password]")
    page.wait_for_url("**/me/")
    read(page, reader)

    page.goto("/circles/")
    read(page, reader)
    follow(page, f'main a[href="{circle.get_absolute_url()}"]', reader)
    with page.expect_navigation():
        page.locator(f'form[action="/circles/{circle.pk}/join/"] [type=submit]').click()
    read(page, reader)
    marta = Membership.objects.get(circle=circle, user__username="marta").user

    first = circle.meetings.order_by("starts_at").first()
    with time_machine.travel(first.starts_at - dt.timedelta(hours=20), tick=False):
        assert meeting_reminders_send() >= 1
    assert Notification.objects.filter(recipient=marta, kind="circle.meeting_reminder").exists()
    (reminder,) = [message for message in received(marta.email) if message is not verification]
    reader.read("the meeting reminder e-mail", f"{reminder.subject}\n{reminder.body}")

    with page.expect_download() as download_info:
        page.locator(f'a[href^="/circles/{circle.pk}/calendar.ics"]').click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        text = "\n".join(str(event[field]) for field in ("SUMMARY", "DESCRIPTION", "LOCATION"))
        reader.read(f"the calendar's event {event['SUMMARY']}", text)

    reader.assert_none()
