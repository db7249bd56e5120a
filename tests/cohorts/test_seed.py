"""The demo circles: every state, online and in person, several time zones, and safe to seed twice."""

import pytest

from cohorts.models import Circle, MeetingFeedback, Membership
from home.seed import seed_people
from home.seed_circles import DEMO_CIRCLES, seed_circles
from home.seed_courses import seed_courses

pytestmark = pytest.mark.django_db


def test_demo_circles_cover_every_state_venue_and_several_zones(site_tree):
    seed_people()
    seed_courses()
    circles = seed_circles()
    assert len(circles) == len(DEMO_CIRCLES)
    assert {c.state for c in circles} == {"draft", "open", "running", "finished", "cancelled"}
    assert {c.venue_kind for c in circles} == {"online", "in_person"}
    assert len({c.time_zone for c in circles}) >= 5
    full = Circle.objects.get(name__startswith="Facilitation practice")
    assert full.seats_taken == full.capacity
    assert set(full.memberships.values_list("status", flat=True)) == {"active", "waitlisted", "pending"}
    assert MeetingFeedback.objects.filter(meeting__circle__state="finished").exists()

    counts = (Circle.objects.count(), Membership.objects.count(), MeetingFeedback.objects.count())
    seed_circles()
    assert (Circle.objects.count(), Membership.objects.count(), MeetingFeedback.objects.count()) == counts
