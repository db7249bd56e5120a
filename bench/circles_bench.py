"""How long the meeting-reminder job takes for 10,000 upcoming meetings: `circles.reminders.10000: <seconds> s`.

Builds its own throwaway SQLite database (migrated from scratch) with one published course and 10,000
open circles of three members each (a facilitator and two learners, in assorted time zones), each with a
meeting in the next 24 hours, so every meeting is due for a reminder: 30,000 reminders in one run. Times
cohorts.services.meeting_reminders_send alone, as the beat job runs it; the e-mails it queues go to an
in-memory broker, as they would go to a worker. A second run (everything already reminded) is timed too.
"""

import datetime as dt
import os
import sys
import time

from throwaway_db import throwaway_database_setup

#: BENCH_MEETINGS makes a quicker, smaller run while working on the job; the published figure is for 10,000.
MEETINGS = int(os.environ.get("BENCH_MEETINGS", "10000"))
#: The target for 10,000 meetings (30,000 reminders), in seconds; a smaller run scales it down.
TARGET_SECONDS = 10 * MEETINGS / 10_000
LEARNERS_PER_CIRCLE = 2
ZONES = ["Africa/Lagos", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Sao_Paulo", "UTC"]


def main() -> int:
    throwaway_database_setup(prefix="lc-circles-bench-")

    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cohorts.models import Circle, Meeting, Membership
    from cohorts.services import meeting_reminders_send
    from courses.services import catalog_ensure, course_create
    from home.services import site_tree_ensure
    from p2pu.celery import app

    # Queue e-mails as production does (to a broker), instead of sending them inline as eager tests do.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"

    User = get_user_model()
    author = User.objects.create_user(username="author", email="author@example.org", password="bench-password-1")  # noqa: S106
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    catalog = catalog_ensure(home_page=site_tree_ensure().root_page)
    course = course_create(catalog=catalog, title="A course", user=author, publish=True, summary="For the bench.")

    # Set-up in bulk: the figure is the reminder job's, not the time to build 10,000 circles.
    people_per_circle = 1 + LEARNERS_PER_CIRCLE
    User.objects.bulk_create(
        User(username=f"p{n}", email=f"p{n}@example.org", password="!", time_zone=ZONES[n % len(ZONES)])  # noqa: S106
        for n in range(MEETINGS * people_per_circle)
    )
    people = list(User.objects.filter(username__startswith="p").order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    start = timezone.localdate()
    Circle.objects.bulk_create(
        Circle(
            course=course,
            name=f"Circle {n}",
            time_zone=ZONES[n % len(ZONES)],
            start_date=start,
            weekday=start.weekday(),
            meeting_time=dt.time(18),
            weeks=1,
            meeting_url=f"https://meet.example.org/{n}",
            capacity=10,
            seats_taken=LEARNERS_PER_CIRCLE,
            state="open",
        )
        for n in range(MEETINGS)
    )
    circles = list(Circle.objects.order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        Membership(
            circle_id=circle_id,
            user_id=people[index * people_per_circle + seat],
            role="facilitator" if seat == 0 else "learner",
            status="active",
            joined_at=now,
        )
        for index, circle_id in enumerate(circles)
        for seat in range(people_per_circle)
    )
    # Spread over the next day: the first hour's meetings get the 1-hour reminder, the rest the 24-hour one.
    Meeting.objects.bulk_create(
        Meeting(circle_id=circle_id, number=1, starts_at=now + dt.timedelta(seconds=60 + index * 8))
        for index, circle_id in enumerate(circles)
    )

    started = time.perf_counter()
    sent = meeting_reminders_send(now=now)
    elapsed = time.perf_counter() - started
    assert sent == MEETINGS * people_per_circle, sent

    started = time.perf_counter()
    assert meeting_reminders_send(now=now) == 0
    rerun = time.perf_counter() - started

    met = elapsed < TARGET_SECONDS
    print(f"circles.reminders.{MEETINGS}: {elapsed:.2f} s (target <{TARGET_SECONDS:g} s: {'ok' if met else 'MISSED'})")
    print(f"circles.reminders.{MEETINGS}.rerun: {rerun:.2f} s")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
