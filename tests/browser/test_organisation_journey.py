"""An organisation's season from start to finish, each step through the pages people use.

An organiser creates an organisation and invites a facilitator by e-mail; the facilitator accepts from the
link and starts a circle run with the organisation; two learners join with goals, one says "Going" to the
first meeting; the meetings happen (the server's clock travels past them) and the facilitator takes
attendance; the circle finishes, the learners answer the e-mailed survey and rate the course, which the
course page then shows; the organiser reads the dashboard and downloads its attendance as CSV.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import csv
import datetime as dt
import re

import time_machine
from django.core import mail
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, CourseRating, LearnerSurvey, MeetingRsvp, Organisation
from tests.browser.conftest import axe_settled, press, sign_in_with_the_form, switch_to, visit
from tests.cohorts.factories import make_course
from tests.factories import UserFactory


def link_in_mail(address: str, pattern: str) -> str:
    """The latest link matching ``pattern`` in a message to ``address``."""
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if address in message.to and found:
            return found.group(0)
    raise AssertionError(f"No message to {address} has a link like {pattern}")


def test_an_organisations_circle_from_invitation_to_dashboard(page, live_server, site_tree, tmp_path):
    course = make_course(modules=2, title="Public speaking", slug="public-speaking")
    organiser = UserFactory(display_name="Olga Okafor")
    facilitator = UserFactory(display_name="Fatima Haddad", email="fatima@example.org")
    ines = UserFactory(display_name="Ines Duarte")
    kofi = UserFactory(display_name="Kofi Mensah")

    # The organiser creates the organisation and invites Fatima to facilitate.
    sign_in_with_the_form(page, organiser)
    visit(page, "/orgs/new/")
    page.get_by_label("Name").fill("Riverside Library")
    page.get_by_label("About").fill("Study circles in every branch of the city's libraries.")
    page.get_by_label("City").fill("Leeds")
    page.get_by_role("button", name="Create the organisation").click()
    page.wait_for_url("**/orgs/riverside-library/")
    axe_settled(page)
    page.get_by_role("link", name="Members, invitations and requests").click()
    page.wait_for_url("**/orgs/riverside-library/members/")
    axe_settled(page)
    page.get_by_label("E-mail address").fill("fatima@example.org")
    page.get_by_label("Role", exact=True).select_option("facilitator")
    press(page, "Send the invitation")

    # Fatima follows the e-mailed link, accepts, and starts a circle run with the organisation.
    switch_to(page, live_server, facilitator)
    visit(page, link_in_mail("fatima@example.org", r"https?://\S*/orgs/invitations/\S+/"))
    page.get_by_role("button", name="Accept the invitation").click()
    page.wait_for_url("**/orgs/riverside-library/")
    axe_settled(page)
    visit(page, course.url)
    page.get_by_role("link", name="Start a study circle").click()
    page.wait_for_url("**/circles/start/**")
    axe_settled(page)
    page.get_by_label("Name of the circle").fill("Speakers at Riverside")
    page.get_by_label("Meeting link").fill("https://meet.example.org/speakers")
    page.get_by_label("Run with an organisation").select_option(label="Riverside Library")
    press(page, "Open for sign-up")
    page.wait_for_url(re.compile(r".*/circles/\d+/$"))
    circle = Circle.objects.get(name="Speakers at Riverside")
    organisation = Organisation.objects.get(slug="riverside-library")
    assert circle.organisation == organisation
    assert page.get_by_role("link", name="Riverside Library").first.is_visible()
    circle_url = f"{live_server.url}{circle.get_absolute_url()}"

    # Two learners join with a goal and how confident they feel; Kofi, the second, is going to the first meeting.
    for learner, goal, confidence in (
        (ines, "Give a five-minute talk without notes", "2 – a little confident"),
        (kofi, "Speak up in meetings at work", "3 – fairly confident"),
    ):
        switch_to(page, live_server, learner)
        visit(page, circle_url)
        page.get_by_label("Your goal").fill(goal)
        page.get_by_label(confidence).check()
        press(page, "Join circle")
        assert page.get_by_text(goal).is_visible()
    first, last = circle.meetings.order_by("starts_at")
    page.get_by_role("group", name=re.compile(rf"^Meeting {first.number},")).get_by_role(
        "button", name="Going", exact=True
    ).click()
    page.wait_for_url(re.compile(r".*#rsvp$"))
    axe_settled(page)
    assert page.get_by_text("Your answer: Going.").first.is_visible()
    assert MeetingRsvp.objects.get(meeting=first).membership.user == kofi

    # The server's clock travels past the last meeting. Sessions begun a fortnight before have expired by
    # then, so each person signs in again there.
    after_the_last = last.starts_at + dt.timedelta(minutes=circle.duration_minutes, hours=1)
    with time_machine.travel(after_the_last, tick=True):
        switch_to(page, live_server, facilitator)
        for meeting, came in ((first, ("Ines Duarte", "Kofi Mensah")), (last, ("Ines Duarte",))):
            visit(page, f"{live_server.url}/circles/{circle.pk}/meetings/{meeting.pk}/")
            for name in came:
                page.get_by_label(name, exact=True).check()
            press(page, "Save attendance")
            assert page.get_by_text("Attendance is saved.").is_visible()

        # The life-cycle job finishes the circle and asks for the end surveys.
        services.circles_advance(now=timezone.now())
        for learner, goal_met, rating in ((ines, "Yes", "5 – excellent"), (kofi, "Partly", "4 – good")):
            switch_to(page, live_server, learner)
            visit(page, link_in_mail(learner.email, r"https?://\S+/circles/\d+/survey/"))
            page.get_by_label(goal_met, exact=True).check()
            page.get_by_label(rating).check()
            page.get_by_label("A review of the course").fill(f"Worth it, says {learner.get_display_name()}.")
            page.get_by_role("button", name="Save my answers").click()
            page.wait_for_url(f"**{circle.get_absolute_url()}")
            axe_settled(page)
            assert page.get_by_text("your answers are saved").is_visible()
        assert sorted(LearnerSurvey.objects.filter(membership__circle=circle).values_list("goal_met", flat=True)) == [
            "partly",
            "yes",
        ]
        assert CourseRating.objects.filter(course=course).count() == 2

        visit(page, f"{live_server.url}{course.url}")
        assert page.get_by_role("link", name="4.5 out of 5, from 2 ratings").is_visible()

        # The organiser reads the dashboard: two learners joined, both finished; the first meeting drew both.
        switch_to(page, live_server, organiser)
        org_url = f"{live_server.url}{organisation.get_absolute_url()}"
        visit(page, org_url)
        snippet = page.get_by_label("Code to embed the list of your circles").input_value()
        assert f'src="{live_server.url}/embed/circles/?org=riverside-library"' in snippet
        page.get_by_role("link", name="Preview the embedded list").click()
        page.wait_for_url("**/embed/circles/?org=riverside-library")
        axe_settled(page)
        visit(page, org_url)
        page.get_by_role("link", name="Dashboard", exact=True).click()
        page.wait_for_url("**/orgs/riverside-library/dashboard/")
        axe_settled(page)
        # Each chart is an image named by its <title>, with its figures as a table behind a disclosure.
        charts = page.locator("section.dashboard-chart")
        assert charts.count() == 3
        for chart in charts.all():
            svg = chart.locator("svg[role=img]")
            assert page.get_by_role("img", name=svg.locator("title").text_content()).count() == 1
            chart.get_by_text("The figures as a table").click()
            assert chart.get_by_role("table").is_visible()
        summary = page.get_by_role("table", name="Summary")
        assert summary.get_by_role("row", name=re.compile(r"^Learners who joined 2$")).count() == 1
        assert summary.get_by_role("row", name=re.compile(r"^Learners who finished .* 2$")).count() == 1
        attendance = page.get_by_role("table", name="Attendance by meeting number")
        assert attendance.get_by_role("row", name="1 100%").count() == 1
        assert attendance.get_by_role("row", name="2 50%").count() == 1
        assert page.get_by_role("table", name="Courses used").get_by_text("Public speaking").count() == 1
        goals = page.get_by_role("table", name=re.compile(r"^Learners' goals met"))
        assert goals.get_by_role("row", name="Yes 1").count() == 1
        assert goals.get_by_role("row", name="Partly 1").count() == 1

        with page.expect_download() as download:
            page.get_by_role("link", name="Download “Attendance by meeting number” as CSV").click()
        saved = tmp_path / "attendance.csv"
        download.value.save_as(saved)
        with saved.open(newline="", encoding="utf-8") as file:
            rows = list(csv.reader(file))
        assert rows == [["Meeting", "Average share of learners present"], ["1", "100%"], ["2", "50%"]]
