"""The demo review round: in progress, with work, reviews done and to do, a flag and a rating; safe to seed twice."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cohorts.models import CircleActivity, Review, ReviewAssignment, ReviewFlag, Submission
from home.seed import seed_people
from home.seed_circles import seed_circles
from home.seed_courses import seed_courses
from home.seed_reviews import seed_reviews

pytestmark = pytest.mark.django_db

#: The demo builds its circles and review round from today's date and weekday: a fixed Sunday evening (UTC).
SEEDED_AT = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)


@time_machine.travel(SEEDED_AT, tick=False)
def test_the_demo_circle_has_a_review_round_in_progress(client, site_tree):
    seed_people()
    seed_courses()
    seed_circles()
    activity = seed_reviews()
    assert activity.is_allocated and activity.circle.state == "running"
    assert Submission.objects.filter(activity=activity).submitted().count() == 4
    assert ReviewAssignment.objects.filter(activity=activity).count() == 12
    assert Review.objects.filter(submission__activity=activity).submitted().count() == 8
    assert ReviewFlag.objects.unresolved().count() == 1
    assert Review.objects.filter(helpfulness=5).exists()

    counts = (CircleActivity.objects.count(), Submission.objects.count(), Review.objects.count())
    seed_reviews()
    assert (CircleActivity.objects.count(), Submission.objects.count(), Review.objects.count()) == counts

    bruno = activity.circle.memberships.get(user__username="bruno").user
    client.force_login(bruno)
    page = client.get("/me/").content.decode()
    assert page.count(">Review<span") == 3
    emil = activity.circle.memberships.get(user__username="emil").user
    client.force_login(emil)
    queue = client.get(f"/circles/{activity.circle.pk}/moderation/").content.decode()
    assert "This is lazy and pointless" in queue


@time_machine.travel(SEEDED_AT, tick=False)
def test_seed_demo_runs_with_the_review_round(site_tree):
    call_command("seed_demo", verbosity=0)
    assert CircleActivity.objects.filter(allocated_at__isnull=False).count() == 1
