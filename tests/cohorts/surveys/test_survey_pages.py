"""Goal and survey pages: the join form's goal, the circle page's prompt, /me/, and who is refused."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import services
from cohorts.models import CourseRating, LearnerSurvey, Membership
from tests.cohorts.factories import join, make_circle
from tests.cohorts.surveys.conftest import end_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "goal_met": "yes",
    "confidence_after": "5",
    "advice": "Ask questions early.",
    "rating": "5",
    "review": "The best course on the topic.",
    "show_name": "on",
}


def survey_path(circle):
    return reverse("cohorts:surveys:answer", args=[circle.pk])


def goal_path(circle):
    return reverse("cohorts:surveys:goal", args=[circle.pk])


def answers_path(circle):
    return reverse("cohorts:surveys:learner_answers", args=[circle.pk])


def test_joining_with_a_goal(client, circle):
    person = UserFactory()
    client.force_login(person)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert 'name="goal"' in page and 'name="goal_confidence"' in page
    client.post(reverse("cohorts:join", args=[circle.pk]), {"goal": "Speak at a meetup", "goal_confidence": "3"})
    membership = Membership.objects.get(circle=circle, user=person)
    assert (membership.status, membership.goal, membership.goal_confidence) == ("active", "Speak at a meetup", 3)


def test_a_confidence_outside_the_scale_shows_the_form_again(client, circle):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("cohorts:join", args=[circle.pk]), {"goal": "x", "goal_confidence": "9"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_the_member_sees_and_changes_their_goal(client, circle, membership, learner):
    client.force_login(learner)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "Read a research paper on my own" in page and goal_path(circle) in page
    assert re.search(r'value="2"[^>]*checked', client.get(goal_path(circle)).content.decode())
    response = client.post(goal_path(circle), {"goal": "Write a summary", "goal_confidence": "4"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.goal, membership.goal_confidence) == ("Write a summary", 4)


def test_facilitators_see_the_learners_goals_on_the_manage_page(client, circle, membership, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:manage", args=[circle.pk])).content.decode()
    assert "Read a research paper on my own" in page and "(confidence 2 of 5)" in page


def test_others_see_nobodys_goal_on_the_circle_page(client, circle, membership):
    assert "Read a research paper on my own" not in client.get(circle.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "Read a research paper on my own" not in client.get(circle.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["stranger", "member of another circle", "left"])
def test_only_the_member_opens_the_goal_page(client, circle, membership, learner, other_circle, who):
    people = {"stranger": UserFactory(), "member of another circle": other_circle.memberships.learners().first().user}
    if who == "left":
        services.membership_leave(circle=circle, user=learner)
    client.force_login(people.get(who, learner))
    assert client.get(goal_path(circle)).status_code == 403
    assert client.post(goal_path(circle), {"goal": "Hijacked"}).status_code == 403
    assert not Membership.objects.filter(goal="Hijacked").exists()


def test_the_circle_page_asks_members_until_they_answer(client, finished, learner):
    client.force_login(learner)
    page = client.get(finished.get_absolute_url()).content.decode()
    assert "Tell us how it went" in page and survey_path(finished) in page
    assert survey_path(finished) in client.get(reverse("my_learning:index")).content.decode()
    response = client.post(survey_path(finished), ANSWERS)
    assert response.status_code == 302 and response["Location"] == finished.get_absolute_url()
    assert "Tell us how it went" not in client.get(finished.get_absolute_url()).content.decode()
    assert survey_path(finished) not in client.get(reverse("my_learning:index")).content.decode()


def test_the_survey_shows_the_goal_and_saves_the_answers_and_the_rating(client, finished, membership, learner):
    client.force_login(learner)
    page = client.get(survey_path(finished)).content.decode()
    assert "Read a research paper on my own" in page and "Your confidence then: 2 of 5." in page
    client.post(survey_path(finished), ANSWERS)
    survey = LearnerSurvey.objects.get(membership=membership)
    rating = CourseRating.objects.get(membership=membership)
    assert (survey.goal_met, survey.confidence_after, survey.advice) == ("yes", 5, "Ask questions early.")
    assert (rating.course_id, rating.rating, rating.show_name) == (finished.course_id, 5, True)
    again = client.get(survey_path(finished)).content.decode()
    assert "The best course on the topic." in again and "You have answered" in again


def test_a_survey_without_a_rating_is_shown_again_with_the_error(client, finished, learner):
    client.force_login(learner)
    response = client.post(survey_path(finished), {**ANSWERS, "rating": ""})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not LearnerSurvey.objects.exists()


def test_the_facilitator_gets_their_own_survey(client, finished, facilitator):
    client.force_login(facilitator)
    page = client.get(survey_path(finished)).content.decode()
    assert 'name="how_it_went"' in page and 'name="rating"' not in page
    client.post(survey_path(finished), {"how_it_went": "Lively", "course_changes": "Fewer readings"})
    assert facilitator.circle_memberships.get(circle=finished).facilitator_survey.how_it_went == "Lively"


def test_anonymous_visitors_are_sent_to_sign_in(client, finished):
    response = client.get(survey_path(finished))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["stranger", "member of another circle", "left before the end"])
def test_only_members_of_the_finished_circle_open_the_survey(client, circle, finish, other_circle, who):
    people = {"stranger": UserFactory(), "member of another circle": other_circle.memberships.learners().first().user}
    if who == "left before the end":
        quitter = join(circle)
        services.membership_leave(circle=circle, user=quitter.user)
        people[who] = quitter.user
    finish()
    client.force_login(people[who])
    assert client.get(survey_path(circle)).status_code == 403
    assert client.post(survey_path(circle), ANSWERS).status_code == 403
    assert not CourseRating.objects.exists()


def test_the_survey_of_a_circle_not_finished_is_refused(client, circle, learner, after_the_end):
    client.force_login(learner)
    response = client.get(survey_path(circle))
    assert response.status_code == 403 and "has not finished yet" in response.content.decode()
    assert client.post(survey_path(circle), ANSWERS).status_code == 403


def test_pending_surveys_on_me_cost_the_same_queries_for_one_circle_or_three(
    client, course, learner, membership, finish
):
    def me_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_learning:index")).status_code == 200
        return len(queries)

    for name in ("Second circle", "Third circle"):
        more = make_circle(course=course, name=name)
        join(more, learner)
        assert end_of(more) == end_of(membership.circle)
    finish()
    client.force_login(learner)
    me_queries()  # the session, the site and its settings are cached from the first request on
    three = me_queries()
    page = client.get(reverse("my_learning:index")).content.decode()
    assert page.count("How did ") == 3
    for survey_membership in Membership.objects.filter(user=learner).exclude(pk=membership.pk):
        LearnerSurvey.objects.create(membership=survey_membership, goal_met="yes")
    assert me_queries() == three


def test_a_learner_without_a_goal_finds_that_answer_chosen(client, circle, finish):
    goalless = join(circle)
    finish()
    client.force_login(goalless.user)
    page = client.get(survey_path(circle)).content.decode()
    assert "You did not write a goal." in page
    assert re.search(r'value="no_goal"[^>]*checked', page)


# --- What facilitators read ------------------------------------------------------------------------------


@pytest.fixture
def quiet_learner(circle, membership):
    return join(circle, UserFactory(username="quiet", display_name="Quentin Quiet"), goal="Finish the readings")


def test_facilitators_read_their_learners_answers(client, circle, quiet_learner, finish, learner, facilitator):
    finish()
    client.force_login(learner)
    client.post(survey_path(circle), ANSWERS)
    client.force_login(quiet_learner.user)
    client.post(
        survey_path(circle),
        {**ANSWERS, "advice": "Do the readings.", "review": "Hard going at first.", "show_name": ""},
    )

    client.force_login(facilitator)
    assert answers_path(circle) in client.get(survey_path(circle)).content.decode()
    page = client.get(answers_path(circle)).content.decode()
    assert "Read a research paper on my own" in page and "Ask questions early." in page
    assert "Finish the readings" in page and "Do the readings." in page
    assert "The best course on the topic." in page and "Hard going at first." in page
    # The review kept without a name shows without it: Quentin appears once, with his answers only.
    assert page.count("Quentin Quiet") == 1


def test_the_manage_page_links_to_the_answers(client, circle, facilitator):
    client.force_login(facilitator)
    assert answers_path(circle) in client.get(reverse("cohorts:manage", args=[circle.pk])).content.decode()


@pytest.mark.parametrize("who", ["learner", "facilitator of another circle", "stranger"])
def test_only_the_circles_facilitators_read_the_answers(client, finished, learner, other_circle, who):
    client.force_login(learner)
    client.post(survey_path(finished), ANSWERS)
    people = {"learner": learner, "facilitator of another circle": other_circle.created_by, "stranger": UserFactory()}
    client.force_login(people[who])
    response = client.get(answers_path(finished))
    assert response.status_code == 403
    assert "Ask questions early." not in response.content.decode()


def test_an_unlisted_circles_answers_are_not_found_by_outsiders(client, circle, finish, other_circle):
    services.circle_update(circle=circle, by=circle.created_by, listed=False)
    finish()
    client.force_login(other_circle.created_by)
    assert client.get(answers_path(circle)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_from_the_answers(client, finished):
    response = client.get(answers_path(finished))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_answers_page_costs_the_same_queries_for_one_learner_or_four(client, circle, finish, learner, facilitator):
    def answers_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(answers_path(circle)).status_code == 200
        return len(queries)

    others = [join(circle, UserFactory(display_name=f"Learner {number}"), goal="Speak up") for number in range(3)]
    finish()
    client.force_login(learner)
    client.post(survey_path(circle), ANSWERS)
    client.force_login(facilitator)
    answers_queries()  # the session, the site and its settings are cached from the first request on
    one = answers_queries()
    for other in others:
        client.force_login(other.user)
        client.post(survey_path(circle), {**ANSWERS, "advice": f"Advice from {other.user.display_name}"})
    client.force_login(facilitator)
    answers_queries()

    assert answers_queries() == one
    assert "Advice from Learner 2" in client.get(answers_path(circle)).content.decode()
