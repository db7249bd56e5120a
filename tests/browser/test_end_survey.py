"""A learner joins a circle with a goal; when the circle finishes they follow the e-mailed link, say how it
went and rate the course. Every page is audited by axe-core (see conftest.py)."""

import datetime as dt
import re

from django.core import mail

from cohorts import services
from cohorts.models import CourseRating, LearnerSurvey
from tests.browser.conftest import axe_settled, sign_in_with_the_form
from tests.cohorts.factories import make_circle, make_course
from tests.factories import UserFactory


def survey_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to and "How did" in m.subject)
    return re.search(r"https?://\S+/circles/\d+/survey/", message.body).group(0)


def test_a_learner_joins_with_a_goal_and_answers_the_survey_when_the_circle_ends(page, live_server, site_tree):
    circle = make_circle(course=make_course(title="Public speaking"), name="Speakers on Wednesdays")
    learner = UserFactory(display_name="Ines Duarte")

    sign_in_with_the_form(page, learner)
    page.goto(circle.get_absolute_url())
    axe_settled(page)
    page.get_by_label("Your goal").fill("Give a five-minute talk without notes")
    page.get_by_label("2 – a little confident").check()
    page.get_by_role("button", name="Join circle").click()
    page.wait_for_load_state()
    axe_settled(page)
    assert page.get_by_text("Give a five-minute talk without notes").is_visible()

    last = circle.meetings.order_by("-starts_at").first()
    services.circles_advance(now=last.starts_at + dt.timedelta(minutes=circle.duration_minutes))

    link = survey_link(learner.email)
    assert link.startswith(live_server.url)
    page.goto(link)
    axe_settled(page)
    assert page.get_by_text("Give a five-minute talk without notes").is_visible()
    page.get_by_label("Partly").check()
    page.get_by_label("4 – confident").check()
    page.get_by_label("What would you tell the next learner?").fill("Record yourself every week.")
    page.get_by_label("5 – excellent").check()
    page.get_by_label("A review of the course").fill("Practical and kind.")
    page.get_by_label("Show my name with my review").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"**{circle.get_absolute_url()}")
    axe_settled(page)
    assert page.get_by_text("your answers are saved").is_visible()
    assert page.get_by_role("link", name="Answer the survey").count() == 0

    survey = LearnerSurvey.objects.get(membership__user=learner)
    rating = CourseRating.objects.get(membership__user=learner)
    assert (survey.goal_met, survey.confidence_after) == ("partly", 4)
    assert (rating.rating, rating.review, rating.show_name) == (5, "Practical and kind.", True)
