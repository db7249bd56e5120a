"""Goals, survey answers and course ratings in a person's data download, and when they delete their account."""

import pytest

from cohorts import personal_data
from cohorts.models import CourseRating, FacilitatorSurvey, LearnerSurvey, Membership
from cohorts.surveys import services as survey_services
from p2pu.accounts.services.deletion import account_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(finished, membership, learner):
    survey_services.learner_survey_submit(
        circle=finished,
        user=learner,
        goal_met="no",
        confidence_after=1,
        advice="My private advice",
        rating=2,
        review="Too long for a beginner.",
        show_name=True,
    )
    return membership


def test_the_download_holds_the_goal_the_answers_and_the_rating(answered, learner):
    data = personal_data.export(user=learner, files=[])
    mine = next(row for row in data["memberships"] if row["circle"] == answered.circle.name)
    assert (mine["goal"], mine["goal_confidence"]) == ("Read a research paper on my own", 2)
    surveys = data["end_of_circle_surveys"]
    assert surveys["as_learner"][0]["advice"] == "My private advice"
    assert surveys["course_ratings"][0] | {"created_at": None, "updated_at": None} == {
        "course": answered.circle.course.title,
        "circle": answered.circle.name,
        "rating": 2,
        "review": "Too long for a beginner.",
        "show_name": True,
        "hidden_by_moderators": False,
        "reply": "",
        "created_at": None,
        "updated_at": None,
    }


def test_the_facilitators_answers_are_in_their_download(finished, facilitator):
    survey_services.facilitator_survey_submit(circle=finished, user=facilitator, how_it_went="Lively")
    assert (
        personal_data.export(user=facilitator, files=[])["end_of_circle_surveys"]["as_facilitator"][0]["how_it_went"]
        == "Lively"
    )


def test_deleting_the_account_keeps_the_rating_by_a_former_member_and_erases_the_rest(answered, learner):
    account_delete(user=learner, keep_credit_names=False)
    rating = CourseRating.objects.select_related("membership__user").get()
    assert (rating.rating, rating.review, rating.show_name) == (2, "Too long for a beginner.", False)
    stand_in = rating.membership.user
    assert stand_in.is_former_member and stand_in.get_display_name() == "a former member"
    assert (rating.membership.status, rating.membership.goal, rating.membership.goal_confidence) == ("left", "", None)
    assert not LearnerSurvey.objects.exists()
    assert not Membership.objects.filter(goal="Read a research paper on my own").exists()


def test_deleting_the_account_without_a_rating_takes_goal_and_survey_with_it(finished, facilitator, membership):
    survey_services.facilitator_survey_submit(circle=finished, user=facilitator, how_it_went="Lively")
    finished.memberships.filter(user=facilitator).update(role="learner")  # not the circle's only facilitator
    account_delete(user=facilitator, keep_credit_names=False)
    assert not FacilitatorSurvey.objects.exists()
