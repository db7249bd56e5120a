"""The demo organisation gives every part of the dashboard something to show, and seeding twice changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cohorts.models import (
    Attendance,
    Circle,
    CourseRating,
    LearnerSurvey,
    MeetingFeedback,
    Membership,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from cohorts.organisations.dashboard.forms import default_period
from cohorts.organisations.dashboard.queries import dashboard_figures
from home.seed import seed_people
from home.seed_circles import seed_circles
from home.seed_courses import seed_courses
from home.seed_organisations import ORGANISATION, SEASON, seed_organisations

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_demo_organisation_fills_the_dashboard(site_tree):
    seed_people()
    seed_courses()
    seed_circles()
    organisation = seed_organisations()
    assert organisation.slug == ORGANISATION["slug"]
    assert list(organisation.memberships.organisers().values_list("user__username", flat=True)) == ["rosa"]
    # Sam and Priya joined the way people do, by accepting an invitation.
    facilitators = organisation.memberships.active().filter(role="facilitator")
    assert sorted(facilitators.values_list("user__username", flat=True)) == ["priya", "sam"]
    assert OrganisationInvitation.objects.filter(organisation=organisation, accepted_at__isnull=False).count() == 2
    assert Membership.objects.filter(circle__organisation=organisation).exclude(goal="").exists()

    start, end = default_period(timezone.localdate())
    figures = dashboard_figures(organisation=organisation, start=start, end=end, zone=dt.UTC, now=timezone.now())
    # The circle still to begin falls after the period (which ends today).
    assert figures.state_counts == {"planned": 0, "running": 1, "finished": 6, "cancelled": 0}
    assert 0 < figures.finished < figures.joined and 0 < figures.stayed < figures.joined
    assert len(figures.attendance_by_number) == 6
    assert len(figures.ratings_by_month) >= 5
    assert sum(1 for count in figures.circles_by_month.values() if count) >= 5
    assert len(figures.courses) == 3
    assert all(figures.goals.values())

    models = (
        Circle,
        Attendance,
        MeetingFeedback,
        LearnerSurvey,
        CourseRating,
        OrganisationMembership,
        OrganisationInvitation,
    )
    counts = [model.objects.count() for model in models]
    seed_organisations()
    assert [model.objects.count() for model in models] == counts
    assert Organisation.objects.count() == 1
    assert Circle.objects.filter(organisation=organisation).count() == len(SEASON)
