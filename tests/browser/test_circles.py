"""A facilitator starts a circle of two seats; two learners join, a third waits and is promoted when one leaves.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from icalendar import Calendar

from cohorts import services
from cohorts.models import Circle, Meeting
from tests.browser.conftest import axe_settled, press, sign_in_with_the_form, switch_to
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory


def open_circle(page, url):
    page.goto(url)
    axe_settled(page)


def test_a_circle_fills_up_and_the_waitlist_moves(page, live_server, site_tree):
    course = make_course(modules=3, title="Community gardening", slug="community-gardening")
    facilitator = UserFactory(display_name="Amara Okafor")
    first, second, third = (UserFactory(display_name=name) for name in ("Bruno Silva", "Chen Wei", "Dana Cohen"))

    sign_in_with_the_form(page, facilitator)
    page.goto(course.url)
    axe_settled(page)
    page.get_by_role("link", name="Start a study circle").click()
    page.wait_for_url("**/circles/start/**")
    axe_settled(page)
    page.get_by_label("Name of the circle").fill("Gardeners on Tuesdays")
    page.get_by_label("Seats for learners").fill("2")
    page.get_by_label("Meeting link").fill("https://meet.example.org/gardeners")
    press(page, "Open for sign-up")
    page.wait_for_url(re.compile(r".*/circles/\d+/$"))
    circle = Circle.objects.get(name="Gardeners on Tuesdays")
    circle_url = f"{live_server.url}{circle.get_absolute_url()}"
    assert page.get_by_text("open for sign-up").first.is_visible()

    for learner in (first, second):
        switch_to(page, live_server, learner)
        open_circle(page, circle_url)
        assert page.get_by_text("seats left").first.is_visible()
        press(page, "Join circle")
        assert page.get_by_role("button", name="Leave circle").is_visible()

    switch_to(page, live_server, third)
    open_circle(page, circle_url)
    assert page.get_by_role("button", name="Join circle").count() == 0
    assert page.get_by_text("All 2 seats are taken").is_visible()
    press(page, "Join waitlist")
    assert page.get_by_text("You are number 1 on the waitlist").is_visible()
    assert "meet.example.org/gardeners" not in page.content()

    switch_to(page, live_server, first)
    open_circle(page, circle_url)
    press(page, "Leave circle")

    switch_to(page, live_server, third)
    open_circle(page, circle_url)
    assert page.get_by_role("button", name="Leave circle").is_visible()
    assert page.get_by_role("link", name="https://meet.example.org/gardeners").is_visible()
    page.goto("/notifications/")
    axe_settled(page)
    promoted = "A seat opened up: you are now a member of Gardeners on Tuesdays"
    assert page.get_by_role("button", name=promoted, exact=True).is_visible()

    open_circle(page, circle_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"circle-{circle.pk}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    assert len(calendar.walk("VEVENT")) == 3
    assert "meet.example.org" not in calendar.to_ical().decode()

    page.goto("/me/")
    axe_settled(page)
    assert page.get_by_role("link", name="Gardeners on Tuesdays").first.is_visible()


def test_the_facilitators_and_members_pages_pass_axe(page, live_server, site_tree):
    facilitator = UserFactory(display_name="Amara Okafor")
    circle = make_circle(facilitator=facilitator, join_policy="approval", capacity=1, listed=False)
    member = services.membership_join(circle=circle, user=UserFactory(), via_invite=True)
    join(circle, request_message="May I join?")
    held = circle.meetings.get(number=1)
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    services.circle_message_send(circle=circle, sender=facilitator, subject="Welcome", body="See you soon.")

    switch_to(page, live_server, facilitator)
    base = f"{live_server.url}/circles/{circle.pk}"
    upcoming = circle.meetings.get(number=2)
    for path in (
        "/",
        "/manage/",
        "/edit/",
        "/message/",
        "/cancel/",
        f"/meetings/{held.pk}/",
        f"/meetings/{upcoming.pk}/",
    ):
        open_circle(page, base + path)
    page.goto(f"{live_server.url}/circles/?q=circle&weekday=1&has_seats=on")
    axe_settled(page)

    switch_to(page, live_server, member.user)
    pin = circle.pinned_modules.order_by("position").first()
    for url in (f"{base}/", f"{base}/meetings/{held.pk}/", f"{live_server.url}{pin.get_absolute_url()}"):
        open_circle(page, url)
    page.goto(f"{live_server.url}/me/")
    axe_settled(page)

    switch_to(page, live_server, UserFactory())
    open_circle(page, f"{live_server.url}/circles/invite/{services.invite_link_token(link)}/")
    assert page.get_by_role("button", name="Join waitlist").is_visible()  # the one seat is taken


def test_a_facilitator_resets_an_unlisted_circles_share_link(page, live_server, site_tree):
    facilitator = UserFactory(display_name="Amara Okafor")
    circle = make_circle(facilitator=facilitator, listed=False)
    old_link = f"{live_server.url}{circle.get_share_url()}"

    switch_to(page, live_server, facilitator)
    open_circle(page, f"{live_server.url}/circles/{circle.pk}/manage/")
    assert page.locator("#share-url").input_value() == old_link
    press(page, "Reset share link")
    assert page.get_by_text("The circle has a new link").is_visible()
    new_link = page.locator("#share-url").input_value()
    assert new_link != old_link

    switch_to(page, live_server, UserFactory())
    assert page.request.get(old_link).status == 404
    open_circle(page, new_link)
    assert page.get_by_role("heading", level=1).inner_text() == circle.name
