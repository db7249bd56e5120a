"""Circles' messages, reminders and calendar feeds in each member's language (their own, else the circle's)."""

import datetime as dt

import time_machine
from django.urls import reverse
from icalendar import Calendar

from cohorts import services
from cohorts.services.jobs import meeting_reminders_send
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory


def test_a_circle_message_follows_the_circles_language_for_a_member_who_chose_none(
    course, facilitator, mailoutbox, django_capture_on_commit_callbacks
):
    circle = make_circle(course=course, facilitator=facilitator, language="ar")
    chose_none, chose_french = UserFactory(), UserFactory(preferred_language="fr")
    join(circle, chose_none)
    join(circle, chose_french)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.circle_message_send(circle=circle, sender=facilitator, subject="Hello", body="See you")
    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert 'dir="rtl"' in by_recipient[chose_none.email].alternatives[0][0]
    assert "Vous recevez cet e-mail" in by_recipient[chose_french.email].body
    assert Notification.objects.filter(recipient=chose_none, language="ar").exists()


def test_a_circle_in_a_language_the_site_lacks_falls_back_to_english(
    course, facilitator, mailoutbox, django_capture_on_commit_callbacks
):
    circle = make_circle(course=course, facilitator=facilitator, language="de")
    member = join(circle).user
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.circle_message_send(circle=circle, sender=facilitator, subject="Hallo", body="Bis bald")
    (mail,) = [mail for mail in mailoutbox if mail.to == [member.email]]
    assert "You get this e-mail because you have an account" in mail.body


def test_a_meeting_reminder_is_in_the_members_language_at_their_time(course, facilitator, mailoutbox):
    circle = make_circle(course=course, facilitator=facilitator, language="fr")
    in_madrid = UserFactory(preferred_language="es", time_zone="Europe/Madrid")
    chose_none = UserFactory()
    join(circle, in_madrid)
    join(circle, chose_none)
    first = circle.meetings.order_by("starts_at").first()
    with time_machine.travel(first.starts_at - dt.timedelta(hours=20), tick=False):
        assert meeting_reminders_send() >= 2
    spanish = Notification.objects.get(recipient=in_madrid, kind="circle.meeting_reminder")
    french = Notification.objects.get(recipient=chose_none, kind="circle.meeting_reminder")
    assert spanish.title == f"{circle.name} se reúne mañana"
    assert "La reunión 1" in spanish.body and "(Europe/Madrid)" in spanish.body
    assert french.title == f"{circle.name} se réunit demain"


def test_the_calendar_feed_speaks_its_owners_language(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, language="en")
    person = UserFactory(preferred_language="es")
    join(circle, person)
    feed = services.calendar_feed_get(user=person)
    calendar = Calendar.from_ical(client.get(feed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content)
    assert str(calendar["X-WR-CALNAME"]) == "Mis círculos de estudio"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["DESCRIPTION"]).startswith(f"Círculo de estudio «{circle.name}»")


def test_a_circles_public_calendar_speaks_the_circles_language_to_an_anonymous_calendar_app(
    client, course, facilitator
):
    circle = make_circle(course=course, facilitator=facilitator, language="es")
    response = client.get(reverse("cohorts:calendar", args=[circle.pk]), HTTP_ACCEPT_LANGUAGE="en")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["DESCRIPTION"]).startswith(f"Círculo de estudio «{circle.name}»")


def test_a_circles_public_calendar_speaks_the_signed_in_persons_own_language(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, language="es")
    client.force_login(UserFactory(preferred_language="fr"))
    response = client.get(reverse("cohorts:calendar", args=[circle.pk]))
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["DESCRIPTION"]).startswith("Cercle d’étude")
