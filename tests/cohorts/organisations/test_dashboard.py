"""The organiser dashboard: its figures, who may open it, its CSV downloads, and its query count."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import (
    Circle,
    OrganisationMembershipStatus,
    OrganisationRole,
)
from cohorts.organisations.dashboard.forms import PeriodForm, default_period
from cohorts.organisations.dashboard.queries import dashboard_figures
from cohorts.organisations.dashboard.views import csv_cell
from tests.cohorts.factories import make_course
from tests.cohorts.organisations.dashboard_setup import NOW, finished_circle, member_add, organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(site_tree):
    return make_course(title="Python for beginners")


@pytest.fixture
def organiser(db):
    return UserFactory(username="olu-organiser")


@pytest.fixture
def org(organiser):
    return organisation(organiser=organiser)


def dashboard_url(org, **query):
    url = reverse("organisation_dashboard:dashboard", kwargs={"slug": org.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- The figures ------------------------------------------------------------------------------------------


def test_the_figures_of_a_finished_season(org, course):
    circle = finished_circle(organisation=org, course=course, learners=3)
    # A learner who left at the end joined and came, but did not finish.
    circle.memberships.filter(pk=circle.memberships.learners().order_by("pk").first().pk).update(status="left")
    figures = dashboard_figures(
        organisation=org, start=NOW.date().replace(year=2025), end=NOW.date(), zone=dt.UTC, now=NOW
    )

    assert figures.state_counts == {"planned": 0, "running": 0, "finished": 1, "cancelled": 0}
    assert figures.joined == 3
    # Learner 0 came to meetings 1 and 2, learner 1 to 1 and 3, learner 2 to 2 and 3: all two of three.
    assert figures.stayed == 3
    assert figures.finished == 2
    # Two of three learners came to each meeting.
    assert [round(share, 3) for share in figures.attendance_by_number.values()] == [0.667, 0.667, 0.667]
    assert list(figures.attendance_by_number) == [1, 2, 3]
    ((month, (average, count)),) = figures.ratings_by_month.items()
    assert (month.year, month.month, count) == (2026, 3, 6)
    # Meeting 1: 2 and 3; meeting 2: 3 and 5; meeting 3: 5 and 1.
    assert average == pytest.approx(19 / 6)
    assert figures.circles_by_month[month] == 1 and sum(figures.circles_by_month.values()) == 1
    assert [(row.title, row.circles, row.learners) for row in figures.courses] == [("Python for beginners", 1, 3)]
    assert figures.goals == {"yes": 1, "partly": 1, "no": 1}


def test_a_circle_outside_the_period_and_another_organisations_circle_are_left_out(org, course):
    finished_circle(organisation=org, course=course, learners=2)
    finished_circle(organisation=organisation(name="Elsewhere", slug="elsewhere"), course=course, learners=4)
    later = dashboard_figures(organisation=org, start=dt.date(2026, 4, 1), end=NOW.date(), zone=dt.UTC, now=NOW)
    assert later.circles == [] and later.joined == 0 and later.ratings_by_month == {}
    march = dashboard_figures(
        organisation=org, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), zone=dt.UTC, now=NOW
    )
    assert len(march.circles) == 1 and march.joined == 2


def test_the_default_period_is_twelve_months_up_to_today():
    assert default_period(dt.date(2026, 6, 15)) == (dt.date(2025, 7, 1), dt.date(2026, 6, 15))
    assert default_period(dt.date(2026, 12, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert default_period(dt.date(2026, 1, 5)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 5))


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        ("2026-01-01", "2026-06-15", True),
        ("2026-06-15", "2026-06-15", True),
        ("2026-06-16", "2026-06-15", False),
        ("2020-01-01", "2026-06-15", False),
        ("2026-13-01", "2026-06-15", False),
        ("", "2026-06-15", False),
    ],
)
def test_the_period_form(start, end, valid):
    assert PeriodForm({"start": start, "end": end}).is_valid() is valid


# --- The pages --------------------------------------------------------------------------------------------


def test_an_organiser_sees_the_figures_charts_and_tables(client, org, organiser, course):
    circle = finished_circle(organisation=org, course=course, learners=3, name="Tuesday evenings")
    client.force_login(organiser)
    response = client.get(dashboard_url(org))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private") or "private" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count('role="img"') == 3
    for chart in ("attendance-chart", "ratings-chart", "months-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert "Tuesday evenings" in html and "Python for beginners" in html
    assert reverse("organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk}) in html
    assert org.get_dashboard_url() == dashboard_url(org)


def test_a_wrong_period_is_explained_and_the_default_period_shown(client, org, organiser, course):
    finished_circle(organisation=org, course=course, learners=2)
    client.force_login(organiser)
    response = client.get(dashboard_url(org, start="2026-06-20", end="2026-06-01"))
    assert response.status_code == 200
    assert "The period must end on or after the day it starts." in response.content.decode()
    assert response.context["figures"].joined == 2


def test_a_names_like_a_formula_are_written_as_text_in_the_csv(client, org, organiser, site_tree):
    course = make_course(title='=HYPERLINK("http://evil.example")')
    finished_circle(organisation=org, course=course, learners=1, name="+SUM(A1:A9)")
    client.force_login(organiser)
    response = client.get(dashboard_url(org, format="csv", table="circles"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = csv_rows(response)
    assert header[:3] == ["Circle", "Course", "State"]
    assert row[0] == "'+SUM(A1:A9)" and row[1].startswith("'=HYPERLINK")
    courses = csv_rows(client.get(dashboard_url(org, format="csv", table="courses")))
    assert courses[1][0].startswith("'=")


def test_every_table_downloads(client, org, organiser, course):
    finished_circle(organisation=org, course=course, learners=2)
    client.force_login(organiser)
    for table in ("summary", "circles", "attendance", "ratings", "months", "courses", "goals"):
        response = client.get(dashboard_url(org, start="2026-01-01", end="2026-06-15", format="csv", table=table))
        assert response.status_code == 200, table
        assert len(csv_rows(response)) >= 2, table
    assert client.get(dashboard_url(org, format="csv", table="nonsense")).status_code == 404


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_look_like_formulas_become_text(value):
    assert csv_cell(value) == "'" + value


def test_csv_cells_that_do_not_look_like_formulas_stay_as_they_are():
    assert csv_cell("Riverside") == "Riverside" and csv_cell(3) == "3" and csv_cell(None) == ""


def test_the_circle_page_shows_each_learners_attendance_ratings_and_goals(client, org, organiser, course):
    circle = finished_circle(organisation=org, course=course, learners=3)
    client.force_login(organiser)
    url = reverse("organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk})
    response = client.get(url)
    assert response.status_code == 200
    detail = response.context["detail"]
    assert detail.held == 3
    assert [member.attended for member in detail.members] == [2, 2, 2]
    assert detail.goals == {"yes": 1, "partly": 1, "no": 1}
    assert sorted(count for _average, count in detail.ratings.values()) == [2, 2, 2]
    rows = csv_rows(client.get(url + "?format=csv&table=attendance"))
    assert rows[0][1].startswith("Meeting 1") and rows[0][-3:] == ["Meetings attended", "Stayed", "Goal met?"]
    assert {row[1] for row in rows[1:]} == {"Present", "Absent"}


# --- Who may open it ----------------------------------------------------------------------------------


def wrong_side_people(org, course):
    """Everyone who must not see the dashboard, each with a life of their own nearby."""
    facilitator_of_org = UserFactory()
    member_add(org, facilitator_of_org, OrganisationRole.FACILITATOR)
    removed = UserFactory()
    member_add(org, removed, OrganisationRole.ORGANISER, status=OrganisationMembershipStatus.REMOVED)
    asking = UserFactory()
    member_add(org, asking, OrganisationRole.ORGANISER, status=OrganisationMembershipStatus.REQUESTED)
    other_organiser = UserFactory()
    organisation(name="Elsewhere", slug="elsewhere", organiser=other_organiser)
    return {
        "a learner of the organisation's circle": None,
        "a facilitator of the organisation who is not an organiser": facilitator_of_org,
        "an organiser of another organisation": other_organiser,
        "a removed organiser": removed,
        "someone who asked to be an organiser": asking,
        "site staff": UserFactory(is_staff=True, is_superuser=True),
    }


def test_nobody_but_the_organisations_organisers_gets_in(client, org, course):
    circle = finished_circle(organisation=org, course=course, learners=1)
    people = wrong_side_people(org, course)
    people["a learner of the organisation's circle"] = circle.memberships.learners().get().user
    urls = [
        dashboard_url(org),
        dashboard_url(org, format="csv", table="summary"),
        reverse("organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk}),
        reverse("organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk})
        + "?format=csv&table=attendance",
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url  # anonymous: sent to sign in
        assert "/accounts/login/" in client.get(url)["Location"]
    for who, person in people.items():
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        client.logout()


def test_a_removed_organiser_loses_access_at_once(client, org, organiser, course):
    client.force_login(organiser)
    assert client.get(dashboard_url(org)).status_code == 200
    org.memberships.filter(user=organiser).update(status=OrganisationMembershipStatus.REMOVED)
    assert client.get(dashboard_url(org)).status_code == 404


def test_another_organisations_circle_is_not_found_from_this_dashboard(client, org, organiser, course):
    elsewhere = organisation(name="Elsewhere", slug="elsewhere")
    theirs = finished_circle(organisation=elsewhere, course=course, learners=1)
    unattached = finished_circle(organisation=None, course=course, learners=1)
    client.force_login(organiser)
    for circle in (theirs, unattached):
        url = reverse("organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk})
        assert client.get(url).status_code == 404


def test_the_dashboard_only_answers_get(client, org, organiser):
    client.force_login(organiser)
    assert client.post(dashboard_url(org)).status_code == 405


# --- Query counts -------------------------------------------------------------------------------------


def season(org, course, *, circles: int, learners: int) -> list[Circle]:
    return [
        finished_circle(organisation=org, course=course, learners=learners, name=f"Circle {n}") for n in range(circles)
    ]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboards_query_count_does_not_grow_with_the_organisation(
    client, org, organiser, course, django_assert_num_queries
):
    season(org, course, circles=2, learners=2)
    larger = organisation(name="Larger", slug="larger", organiser=organiser)
    season(larger, course, circles=8, learners=4)
    client.force_login(organiser)
    client.get(dashboard_url(org))  # the session and site settings are cached from here on
    small = queries_for(client, dashboard_url(org))
    with django_assert_num_queries(small):
        response = client.get(dashboard_url(larger))
    assert response.context["figures"].joined == 32


def test_the_circle_pages_query_count_does_not_grow_with_its_learners(
    client, org, organiser, course, django_assert_num_queries
):
    (small,) = season(org, course, circles=1, learners=2)
    (large,) = season(org, course, circles=1, learners=8)
    client.force_login(organiser)
    url = lambda circle: reverse(  # noqa: E731
        "organisation_dashboard:circle", kwargs={"slug": org.slug, "circle_id": circle.pk}
    )
    client.get(url(small))
    count = queries_for(client, url(small))
    with django_assert_num_queries(count):
        response = client.get(url(large))
    assert len(response.context["detail"].members) == 8


@pytest.mark.parametrize(("zone", "first_meeting"), [("UTC", "03/08/2026"), ("Pacific/Kiritimati", "03/09/2026")])
def test_dates_are_the_viewers_own(client, org, organiser, course, zone, first_meeting):
    # The first meeting is on Sunday 8 March 2026 at 18:00 UTC: Monday morning at UTC+14.
    finished_circle(organisation=org, course=course, learners=1)
    organiser.time_zone = zone
    organiser.save(update_fields=["time_zone"])
    client.force_login(organiser)
    header, row = csv_rows(client.get(dashboard_url(org, format="csv", table="circles")))
    assert header[3] == "First meeting" and row[3] == first_meeting
