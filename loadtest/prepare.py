"""Load-test data on top of the demo content: learners who sign in, small circles to crowd into, and
circles running rolling peer review whose learners hand in work and review each other's through the pages.

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

from cohorts import services as circle_services  # noqa: E402
from cohorts.models import Circle, Meeting, Membership  # noqa: E402
from cohorts.review import services as review_services  # noqa: E402
from cohorts.review.activities import pinned_activities  # noqa: E402
from courses.models import CoursePage  # noqa: E402

PASSWORD = "loadtest-password-1"  # noqa: S105 — throwaway accounts on a throwaway database
CIRCLES = 6
SEATS = 2
SEATED = 2
JOINERS = 40
#: Circles running rolling peer review, and learners in each: more than k + 1, so that a submission
#: could get more than k reviews if the queue did not hand out the least-reviewed work first.
REVIEW_CIRCLES = 4
REVIEW_LEARNERS = 5
REVIEW_COURSE = "Facilitating a study circle"
REVIEW_ACTIVITY = "Plan your first meeting"


# One slow password hash for everyone, not one per person.
PASSWORD_HASH = make_password(PASSWORD)


def person(name: str):
    user = get_user_model().objects.create(username=name, email=f"{name}@loadtest.example.org", password=PASSWORD_HASH)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def review_circles(now) -> list[dict]:
    """Open circles whose text activity runs rolling review; its learners have handed in nothing yet."""
    course = CoursePage.objects.live().get(title=REVIEW_COURSE)
    start = now.date() + dt.timedelta(days=7)
    made = []
    for number in range(REVIEW_CIRCLES):
        facilitator = person(f"reviewfacilitator{number}")
        circle = circle_services.circle_create(
            course=course,
            created_by=facilitator,
            publish=True,
            name=f"Reviewing circle {number}",
            time_zone="UTC",
            start_date=start,
            schedule_kind="weekly",
            weekday=start.weekday(),
            meeting_time=dt.time(18),
            weeks=2,
            venue_kind="online",
            meeting_url="https://meet.example.org/review",
            capacity=REVIEW_LEARNERS,
            join_policy="open",
        )
        learners = [person(f"reviewer{number}x{seat}") for seat in range(REVIEW_LEARNERS)]
        for learner in learners:
            circle_services.membership_join(circle=circle, user=learner)
        pinned = next(a for a in pinned_activities(circle) if a.title == REVIEW_ACTIVITY)
        activity = review_services.circle_activity_ensure(
            circle=circle, module_id=pinned.pin.module_id, activity_id=pinned.activity_id, by=facilitator
        )
        review_services.circle_activity_update(
            activity=activity,
            by=facilitator,
            allocation_mode="rolling",
            due_at=now + dt.timedelta(days=14),
            review_days=7,
            stuck_after_days=10,
            release_after_days=7,
        )
        made.append(
            {
                "activity": activity.get_absolute_url(),
                "k": activity.reviews_per_submission,
                "learners": [learner.email for learner in learners],
            }
        )
    return made


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
    reviewing = review_circles(now)
    print(
        json.dumps(
            {
                "circles": circles,
                "joiners": joiners,
                "reviewing": reviewing,
                "password": PASSWORD,
                "course": course.url,
            }
        )
    )


main()
