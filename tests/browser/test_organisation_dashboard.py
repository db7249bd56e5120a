"""An organiser opens their organisation's dashboard on a finished season: the charts with their titles and
tables, a circle's own page, and a CSV download; axe audits every page at the desktop's width and at 320 px."""

import csv

from tests.browser.conftest import axe_settled, switch_to
from tests.cohorts.factories import make_course
from tests.cohorts.organisations.dashboard_setup import finished_circle, organisation
from tests.factories import UserFactory

#: The season's meetings are in March 2026 (dashboard_setup); the period is chosen, not today's default.
PERIOD = "?start=2026-01-01&end=2026-06-30"


def test_an_organiser_reads_the_dashboard_and_downloads_a_table(page, live_server, site_tree, tmp_path):
    organiser = UserFactory(display_name="Rosa Organiser")
    org = organisation(name="Riverside Public Library", slug="riverside", organiser=organiser)
    finished_circle(organisation=org, course=make_course(title="Python for beginners"), learners=4, name="Tuesdays")
    finished_circle(organisation=org, course=make_course(title="Data literacy"), learners=3, name="=Evenings")
    switch_to(page, live_server, organiser)

    page.goto(org.get_dashboard_url() + PERIOD)
    axe_settled(page)
    assert page.get_by_role("heading", name="Dashboard of Riverside Public Library").is_visible()
    for name in ("Attendance by meeting number", "Average meeting rating by month", "Circles by month"):
        chart = page.get_by_role("img", name=name)
        assert chart.count() == 1, name
        assert chart.locator("title").count() == 1
    # Each chart's figures as a table, behind a disclosure.
    page.get_by_text("The figures as a table").first.click()
    assert page.get_by_role("table", name="Attendance by meeting number").is_visible()
    assert page.get_by_role("table", name="Courses used").get_by_text("Python for beginners").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Circles in the period” as CSV").click()
    saved = tmp_path / "circles.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0][0] == "Circle"
    assert sorted(row[0] for row in rows[1:]) == ["'=Evenings", "Tuesdays"]

    page.get_by_role("link", name="Tuesdays").click()
    page.wait_for_url("**/circles/*/")
    axe_settled(page)
    assert page.get_by_role("table", name="Attendance of each learner").is_visible()
