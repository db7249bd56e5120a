"""An organisation with a season of circles behind it, built through the circle services at the times they
happened: circles are made on ``CREATED``, and their meetings are over by ``NOW``.

with time_machine.travel(NOW, tick=False): ...        # the dashboard is read at NOW
org = organisation(name="Riverside", organiser=person)
finished_circle(organisation=org, course=course, learners=3)
"""

import datetime as dt

import time_machine

from cohorts import services
from cohorts.models import (
    Circle,
    GoalMet,
    LearnerSurvey,
    Organisation,
    OrganisationMembership,
    OrganisationMembershipStatus,
    OrganisationRole,
)
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

#: When the circles are made (a Sunday): their three weekly meetings fall in March 2026.
CREATED = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
#: When the dashboard is read: every meeting is over, and the default period (June 2025 to today) holds them.
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
GOALS = (GoalMet.YES, GoalMet.PARTLY, GoalMet.NO, GoalMet.NO_GOAL)


def organisation(*, name: str = "Riverside Public Library", slug: str = "riverside", organiser=None) -> Organisation:
    org = Organisation.objects.create(name=name, slug=slug)
    if organiser is not None:
        member_add(org, organiser, OrganisationRole.ORGANISER)
    return org


def member_add(org, user, role, status=OrganisationMembershipStatus.ACTIVE) -> OrganisationMembership:
    return OrganisationMembership.objects.create(
        organisation=org, user=user, role=role, status=status, joined_at=CREATED
    )


def finished_circle(*, organisation, course, learners: int = 3, name: str = "Evening circle", facilitator=None):
    """A circle of ``organisation`` whose three meetings are over: learner i comes to meeting n unless
    (i + n) is a multiple of 3, rates it (i + n) % 5 + 1, and answers the end survey in turn yes, partly, no…"""
    facilitator = facilitator or UserFactory()
    with time_machine.travel(CREATED, tick=False):
        circle = make_circle(course=course, facilitator=facilitator, name=name, capacity=max(learners, 1))
        Circle.objects.filter(pk=circle.pk).update(organisation=organisation)
        memberships = [join(circle) for _ in range(learners)]
    with time_machine.travel(NOW, tick=False):
        services.circles_advance(now=NOW)
        for meeting in circle.meetings.order_by("number"):
            present = [m for index, m in enumerate(memberships) if (index + meeting.number) % 3]
            services.attendance_record(meeting=meeting, by=facilitator, present=[m.pk for m in present])
            for index, membership in enumerate(memberships):
                if membership in present:
                    services.feedback_submit(
                        meeting=meeting, user=membership.user, rating=(index + meeting.number) % 5 + 1
                    )
        LearnerSurvey.objects.bulk_create(
            LearnerSurvey(membership=membership, goal_met=GOALS[index % len(GOALS)])
            for index, membership in enumerate(memberships)
        )
    circle.refresh_from_db()
    return circle
