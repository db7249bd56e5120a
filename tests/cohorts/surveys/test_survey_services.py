"""Goals and end-of-circle surveys, through their services: who is asked, once, and who may answer."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cohorts import services
from cohorts.models import CourseRating, FacilitatorSurvey, LearnerSurvey, Membership
from cohorts.surveys import services as survey_services
from cohorts.surveys.queries import pending_end_surveys
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def asks(**filters):
    return Notification.objects.filter(kind="circle.end_survey", **filters)


def learner_answers(circle, user, **overrides):
    answers = {
        "goal_met": "partly",
        "confidence_after": 4,
        "advice": "Do the readings before each meeting.",
        "rating": 4,
        "review": "Clear modules, good exercises.",
        "show_name": False,
    }
    answers.update(overrides)
    return survey_services.learner_survey_submit(circle=circle, user=user, **answers)


# Goals -----------------------------------------------------------------------------------------------


def test_joining_records_the_goal_and_confidence(membership):
    assert (membership.goal, membership.goal_confidence) == ("Read a research paper on my own", 2)


def test_joining_without_a_goal_keeps_one_written_before(circle, membership, learner):
    services.membership_leave(circle=circle, user=learner)
    again = join(circle, learner)
    assert again.goal == "Read a research paper on my own"


def test_a_confidence_outside_one_to_five_is_refused_at_joining(circle):
    with pytest.raises(ValidationError):
        join(circle, goal="Anything", goal_confidence=6)
    assert not Membership.objects.filter(goal="Anything").exists()


def test_a_member_changes_their_goal(circle, membership, learner):
    survey_services.goal_set(circle=circle, user=learner, goal="  Write my own summary  ", goal_confidence=3)
    membership.refresh_from_db()
    assert (membership.goal, membership.goal_confidence) == ("Write my own summary", 3)


@pytest.mark.parametrize("who", ["anonymous", "stranger", "left", "member of another circle"])
def test_only_the_member_sets_their_goal(circle, membership, learner, other_circle, who):
    people = {
        "anonymous": AnonymousUser(),
        "stranger": UserFactory(),
        "member of another circle": other_circle.memberships.learners().first().user,
    }
    if who == "left":
        services.membership_leave(circle=circle, user=learner)
    with pytest.raises(PermissionDenied):
        survey_services.goal_set(circle=circle, user=people.get(who, learner), goal="Hijacked", goal_confidence=1)
    assert not Membership.objects.filter(goal="Hijacked").exists()


def test_the_goal_no_longer_changes_once_the_circle_has_finished(finished, learner):
    with pytest.raises(ValidationError):
        survey_services.goal_set(circle=finished, user=learner, goal="Changed afterwards", goal_confidence=5)


# The ask ---------------------------------------------------------------------------------------------


def test_finishing_asks_every_active_member_once(finish, circle, membership, facilitator):
    assert finish()["finished"] == 1
    assert set(asks().values_list("recipient_id", flat=True)) == {membership.user_id, facilitator.pk}
    ask = asks().get(recipient=membership.user)
    assert ask.url == f"/circles/{circle.pk}/survey/"
    assert ask.title == f"How did {circle.name} go?"
    assert "Did you reach your goal?" in ask.body
    assert "what you would change in the course" in asks().get(recipient=facilitator).body
    assert any(circle.name in message.subject for message in mail.outbox)


def test_finishing_twice_and_the_sweep_never_ask_twice(finish, circle, django_capture_on_commit_callbacks):
    finish()
    sent = asks().count()
    finish()
    with django_capture_on_commit_callbacks(execute=True):
        assert survey_services.end_surveys_ask_due() == 0
        assert survey_services.end_surveys_ask(circle_ids=[circle.pk]) == 0
    assert asks().count() == sent == 2


def test_the_sweep_asks_those_whose_ask_never_left(finished, membership, facilitator):
    asks().delete()  # as if the broker had been down when the circle finished
    assert survey_services.end_surveys_ask_due() == 2


def test_nobody_is_asked_about_a_circle_that_has_not_finished(circle, membership, after_the_end):
    assert survey_services.end_surveys_ask(circle_ids=[circle.pk]) == 0


def test_those_who_left_before_the_end_or_already_answered_are_not_asked(
    circle, membership, learner, finish, facilitator
):
    quitter = join(circle)
    services.membership_leave(circle=circle, user=quitter.user)
    finish()
    assert not asks(recipient=quitter.user).exists()
    learner_answers(circle, learner)
    asks().delete()
    assert survey_services.end_surveys_ask(circle_ids=[circle.pk]) == 1  # the facilitator only
    assert asks().get().recipient == facilitator


def test_the_ask_is_worded_in_the_recipients_language_else_the_circles(circle, finish, monkeypatch):
    circle.language = "fr"
    circle.save(update_fields=["language"])
    spanish = join(circle, UserFactory(preferred_language="es"))
    languages_worded_in = []

    def gettext_recording_the_language(message):
        languages_worded_in.append(translation.get_language())
        return message

    monkeypatch.setattr(survey_services, "_", gettext_recording_the_language)
    finish()
    assert asks(recipient=spanish.user).exists()
    # The Spanish member's own language; everyone else, who chose none, gets the circle's.
    assert set(languages_worded_in) == {"es", "fr"}


def test_no_ask_once_the_survey_has_closed(finished, settings):
    asks().delete()
    with time_machine.travel(finished.state_changed_at + dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS, hours=1)):
        assert survey_services.end_surveys_ask_due() == 0


# Answering -------------------------------------------------------------------------------------------


def test_a_learner_answers_and_rates_the_course(finished, membership, learner):
    survey = learner_answers(finished, learner, show_name=True)
    assert (survey.goal_met, survey.confidence_after) == ("partly", 4)
    course_rating = CourseRating.objects.get(membership=membership)
    assert course_rating.course_id == finished.course_id
    assert (course_rating.rating, course_rating.review, course_rating.show_name) == (
        4,
        "Clear modules, good exercises.",
        True,
    )
    assert not pending_end_surveys(user=learner, now=survey.submitted_at).exists()


def test_answering_again_changes_the_answers_and_the_rating(finished, membership, learner):
    first = learner_answers(finished, learner)
    second = learner_answers(finished, learner, goal_met="yes", rating=5, review="")
    assert first.pk == second.pk and LearnerSurvey.objects.count() == 1
    course_rating = CourseRating.objects.get()
    assert (second.goal_met, course_rating.rating, course_rating.review) == ("yes", 5, "")


def test_a_rating_outside_one_to_five_is_refused(finished, learner):
    with pytest.raises(ValidationError):
        learner_answers(finished, learner, rating=6)
    assert not LearnerSurvey.objects.exists() and not CourseRating.objects.exists()


def test_a_facilitator_answers_their_own_survey(finished, facilitator):
    survey = survey_services.facilitator_survey_submit(
        circle=finished, user=facilitator, how_it_went="Lively.", course_changes="Shorter module 2."
    )
    assert FacilitatorSurvey.objects.get() == survey
    with pytest.raises(ValidationError):
        learner_answers(finished, facilitator)


def test_a_learner_cannot_answer_the_facilitators_survey(finished, learner):
    with pytest.raises(ValidationError):
        survey_services.facilitator_survey_submit(circle=finished, user=learner, how_it_went="I ran it.")


@pytest.mark.parametrize("who", ["anonymous", "stranger", "member of another circle", "left before the end"])
def test_only_members_of_the_finished_circle_answer(circle, membership, finish, other_circle, who):
    people = {
        "anonymous": AnonymousUser(),
        "stranger": UserFactory(),
        "member of another circle": other_circle.memberships.learners().first().user,
    }
    if who == "left before the end":
        quitter = join(circle)
        services.membership_leave(circle=circle, user=quitter.user)
        people[who] = quitter.user
    finish()
    with pytest.raises(PermissionDenied):
        learner_answers(circle, people[who])
    assert not CourseRating.objects.exists()


def test_nobody_answers_before_the_circle_finishes(circle, learner, after_the_end):
    with pytest.raises(ValidationError, match="not finished"):
        learner_answers(circle, learner)


def test_answers_are_taken_until_the_survey_closes(finished, learner, settings):
    closes = finished.state_changed_at + dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS)
    with time_machine.travel(closes, tick=False):
        learner_answers(finished, learner)
    with (
        time_machine.travel(closes + dt.timedelta(seconds=1), tick=False),
        pytest.raises(ValidationError, match="closed"),
    ):
        learner_answers(finished, learner, rating=1)
    assert CourseRating.objects.get().rating == 4


def test_pending_surveys_list_the_unanswered_open_ones(finished, membership, learner, settings):
    now = finished.state_changed_at
    assert list(pending_end_surveys(user=learner, now=now)) == [membership]
    later = now + dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS, seconds=1)
    assert not pending_end_surveys(user=learner, now=later).exists()
