"""Study circles for tests, built through cohorts.services as a facilitator would build them.

circle = make_circle()                                   # open, weekly, 3 meetings from next week
circle = make_circle(capacity=1, join_policy="approval") # any circle field may be overridden
draft = make_circle(publish=False)
"""

import datetime as dt

from django.utils import timezone

from cohorts import services
from tests.courses.factories import CoursePageFactory, ModulePageFactory, text_block
from tests.factories import UserFactory


def make_course(*, modules: int = 3, **fields):
    """A published course with ``modules`` published modules, titled “Module 1” … in outline order."""
    course = CoursePageFactory(**fields)
    for number in range(1, modules + 1):
        ModulePageFactory(
            parent=course,
            title=f"Module {number}",
            slug=f"{course.slug}-module-{number}",
            body=[text_block(f"<p>Read part {number}, then talk it over.</p>")],
        )
    return course


def circle_fields(**overrides) -> dict:
    start = timezone.localdate() + dt.timedelta(days=7)
    fields = {
        "name": "Evening circle",
        "description": "We meet weekly to work through the course.",
        "language": "en",
        "time_zone": "UTC",
        "start_date": start,
        "schedule_kind": "weekly",
        "weekday": start.weekday(),
        "meeting_time": dt.time(18, 0),
        "weeks": 3,
        "meeting_dates": [],
        "duration_minutes": 90,
        "venue_kind": "online",
        "meeting_url": "https://meet.example.org/secret-room",
        "capacity": 5,
        "join_policy": "open",
        "listed": True,
    }
    fields.update(overrides)
    return fields


def make_circle(*, course=None, facilitator=None, publish: bool = True, **overrides):
    course = course or make_course()
    facilitator = facilitator or UserFactory()
    return services.circle_create(course=course, created_by=facilitator, publish=publish, **circle_fields(**overrides))


def join(circle, user=None, **kwargs):
    user = user or UserFactory()
    return services.membership_join(circle=circle, user=user, **kwargs)
