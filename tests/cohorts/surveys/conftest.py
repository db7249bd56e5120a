"""A circle that runs its course: a learner joins with a goal, and the clock moves past its last meeting."""

import datetime as dt

import pytest
import time_machine

from cohorts import services
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory


def end_of(circle) -> dt.datetime:
    last = circle.meetings.order_by("-starts_at").first()
    return last.starts_at + dt.timedelta(minutes=circle.duration_minutes)


@pytest.fixture
def learner(db):
    return UserFactory(username="learner")


@pytest.fixture
def membership(circle, learner):
    return join(circle, learner, goal="Read a research paper on my own", goal_confidence=2)


@pytest.fixture
def after_the_end(circle, membership):
    """The clock, stopped an hour after the circle's last meeting ended (not finished yet: see ``finish``)."""
    with time_machine.travel(end_of(circle) + dt.timedelta(hours=1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def finish(circle, membership, django_capture_on_commit_callbacks):
    """Stop the clock an hour after the circle's last meeting ended (people join before: then no meeting is
    left to join) and finish it through the life-cycle job, running what it queues after commit (the ask)."""
    traveller = time_machine.travel(end_of(circle) + dt.timedelta(hours=1), tick=False)
    started = []

    def finish_now():
        if not started:
            started.append(traveller.start())
        with django_capture_on_commit_callbacks(execute=True):
            outcome = services.circles_advance()
        circle.refresh_from_db()
        return outcome

    yield finish_now
    if started:
        traveller.stop()


@pytest.fixture
def finished(finish, circle):
    finish()
    return circle


@pytest.fixture
def other_circle(course):
    other = make_circle(course=course, name="Morning circle")
    join(other, UserFactory(username="other_learner"))
    return other
