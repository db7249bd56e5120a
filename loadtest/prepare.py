"""Load-test data on top of the demo content: learners who sign in, and small circles to crowd into.

Run inside the load test's Django (loadtest/run.py). Prints the circles and people as JSON for the crowd.
"""

import datetime as dt
import json

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.utils import timezone  # noqa: E402

from cohorts.models import Circle, Meeting, Membership  # noqa: E402
from courses.models import CoursePage  # noqa: E402

PASSWORD = "loadtest-password-1"  # noqa: S105 — throwaway accounts on a throwaway database
CIRCLES = 6
SEATS = 2
SEATED = 2
JOINERS = 40


# One slow password hash for everyone, not one per person.
PASSWORD_HASH = make_password(PASSWORD)


def person(name: str):
    user = get_user_model().objects.create(username=name, email=f"{name}@loadtest.example.org", password=PASSWORD_HASH)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def main() -> None:
    now = timezone.now()
    course = CoursePage.objects.live().public().order_by("pk").first()
    circles = []
    for number in range(CIRCLES):
        facilitator = person(f"facilitator{number}")
        circle = Circle.objects.create(
            course=course,
            name=f"Crowded circle {number}",
            time_zone="UTC",
            start_date=now.date() + dt.timedelta(days=7),
            weekday=(now.date() + dt.timedelta(days=7)).weekday(),
            meeting_time=dt.time(18),
            weeks=2,
            meeting_url="https://meet.example.org/load",
            capacity=SEATS,
            seats_taken=SEATED,
            state="open",
            created_by=facilitator,
        )
        Meeting.objects.create(circle=circle, number=1, starts_at=now + dt.timedelta(days=7))
        Membership.objects.create(circle=circle, user=facilitator, role="facilitator", status="active", joined_at=now)
        seated = []
        for seat in range(SEATED):
            learner = person(f"seated{number}x{seat}")
            Membership.objects.create(
                circle=circle, user=learner, role="learner", status="active", joined_at=now, requested_at=now
            )
            seated.append(learner.email)
        circles.append({"id": circle.pk, "seated": seated})
    joiners = [person(f"joiner{number}").email for number in range(JOINERS)]
    print(json.dumps({"circles": circles, "joiners": joiners, "password": PASSWORD, "course": course.url}))


main()
