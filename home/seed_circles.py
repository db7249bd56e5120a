"""Demo study circles: every life-cycle state, online and in person, in several time zones. Idempotent.

Circles are made through cohorts.services, as their facilitators would. Circles that already began
or finished are created with a future schedule, filled, and then have their whole schedule moved back
by whole weeks (re-expanded in the circle's own zone, so daylight-saving stays right); the life-cycle
job then moves them to "running" or "finished", as it would have on the day.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, Meeting
from courses.models import CoursePage

FACILITATION = "facilitating-a-study-circle"
DATA = "introduction-to-data-literacy"
WRITING = "writing-for-the-open-web"


def _next(weekday: int, *, weeks_from_now: int = 0) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 1, weeks=weeks_from_now)


#: Each circle: its course (slug) and facilitator (username), who joins (``members`` first, then ``waiting``
#: once it is full, and ``asking`` for approval), its fields, and how it ends up: ``weeks_past`` moves a
#: circle's schedule that many weeks back, ``draft`` keeps it a draft, ``cancelled`` gives the reason.
DEMO_CIRCLES = [
    {
        "name": "Lagos evening facilitators",
        "course": FACILITATION,
        "facilitator": "amara",
        "members": ["bruno", "chen"],
        "fields": {
            "description": "For anyone who wants to run their first study circle: we practise on each other.",
            "time_zone": "Africa/Lagos",
            "weekday": 1,
            "meeting_time": dt.time(18, 30),
            "weeks": 5,
            "venue_kind": "online",
            "meeting_url": "https://meet.example.org/lagos-facilitators",
            "capacity": 8,
        },
    },
    {
        "name": "Data literacy at the Copenhagen library",
        "course": DATA,
        "facilitator": "emil",
        "members": ["dana", "chen"],
        "weeks_past": 2,
        "fields": {
            "description": "Bring a laptop if you have one; the library lends a few.",
            "time_zone": "Europe/Copenhagen",
            "weekday": 3,
            "meeting_time": dt.time(17, 0),
            "weeks": 6,
            "venue_kind": "in_person",
            "venue_name": "Hovedbiblioteket, study room 3",
            "address": "Krystalgade 15",
            "city": "Copenhagen",
            "country": "Denmark",
            "meeting_url": "",
            "capacity": 10,
        },
    },
    {
        "name": "Writing for the web over lunch",
        "course": WRITING,
        "facilitator": "dana",
        "members": ["bruno", "emil"],
        "weeks_past": 8,
        "fields": {
            "description": "Fifty minutes at lunchtime, New York time.",
            "time_zone": "America/New_York",
            "weekday": 2,
            "meeting_time": dt.time(12, 10),
            "weeks": 5,
            "duration_minutes": 50,
            "venue_kind": "online",
            "meeting_url": "https://meet.example.org/writing-lunch",
            "capacity": 6,
        },
    },
    {
        "name": "Facilitation practice in London (waitlist open)",
        "course": FACILITATION,
        "facilitator": "amara",
        "members": ["chen", "dana"],
        "waiting": ["emil"],
        "asking": ["bruno"],
        "fields": {
            "description": "A small group, so everyone gets to facilitate once. The facilitator approves each request.",
            "time_zone": "Europe/London",
            "weekday": 5,
            "meeting_time": dt.time(10, 0),
            "weeks": 4,
            "venue_kind": "in_person",
            "venue_name": "Camden community centre",
            "address": "1 Example Street",
            "city": "London",
            "country": "United Kingdom",
            "meeting_url": "",
            "capacity": 2,
            "join_policy": "approval",
        },
    },
    {
        "name": "Escrita para a web (rascunho)",
        "course": WRITING,
        "facilitator": "bruno",
        "draft": True,
        "fields": {
            "language": "pt",
            "time_zone": "America/Sao_Paulo",
            "weekday": 0,
            "meeting_time": dt.time(19, 0),
            "weeks": 5,
            "venue_kind": "online",
            "capacity": 12,
        },
    },
    {
        "name": "Data literacy in Shanghai",
        "course": DATA,
        "facilitator": "chen",
        "members": ["amara"],
        "cancelled": "Not enough people could make the time; I will try again next term.",
        "fields": {
            "language": "zh-hans",
            "time_zone": "Asia/Shanghai",
            "weekday": 6,
            "meeting_time": dt.time(9, 30),
            "weeks": 4,
            "venue_kind": "online",
            "meeting_url": "https://meet.example.org/shanghai-data",
            "capacity": 8,
        },
    },
    {
        "name": "Team data circle (invitation only)",
        "course": DATA,
        "facilitator": "emil",
        "members": [],
        "fields": {
            "description": "For our team at work; ask Emil for the link.",
            "time_zone": "Europe/Copenhagen",
            "weekday": 4,
            "meeting_time": dt.time(8, 30),
            "weeks": 4,
            "venue_kind": "online",
            "meeting_url": "https://meet.example.org/team-data",
            "capacity": 5,
            "join_policy": "invite",
            "listed": False,
        },
    },
]


def _shift_into_the_past(circle: Circle, weeks: int) -> None:
    """Move the whole schedule back by ``weeks`` weeks, keeping its local wall-clock times."""
    circle.start_date -= dt.timedelta(weeks=weeks)
    circle.save(update_fields=["start_date"])
    for meeting, starts_at in zip(circle.meetings.order_by("number"), services.schedule_instants(circle), strict=True):
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at)


def _history(circle: Circle, facilitator) -> None:
    """Attendance and feedback for the meetings a past or running circle has held."""
    now = timezone.now()
    members = list(circle.memberships.active().select_related("user"))
    ratings = [5, 4, 4, 3, 5]
    reflections = ["Good discussion; I finally see why medians matter.", "", "More time for questions next time?"]
    for number, meeting in enumerate(circle.meetings.filter(starts_at__lt=now).order_by("number")):
        absent = members[number % len(members)].pk if number % 2 else None
        services.attendance_record(meeting=meeting, by=facilitator, present=[m.pk for m in members if m.pk != absent])
        for index, membership in enumerate(m for m in members if m.user != facilitator and m.pk != absent):
            services.feedback_submit(
                meeting=meeting,
                user=membership.user,
                rating=ratings[(number + index) % len(ratings)],
                reflection=reflections[(number + index) % len(reflections)],
            )


@transaction.atomic
def seed_circles() -> list[Circle]:
    people = {person.username: person for person in get_user_model().objects.all()}
    courses = {
        course.slug: course for course in CoursePage.objects.live().filter(slug__in=[FACILITATION, DATA, WRITING])
    }
    made = []
    for spec in DEMO_CIRCLES:
        existing = Circle.objects.filter(name=spec["name"]).first()
        course, facilitator = courses.get(spec["course"]), people.get(spec["facilitator"])
        if existing or course is None or facilitator is None:
            made += [existing] if existing else []
            continue
        fields = {"language": course.language, "start_date": _next(spec["fields"]["weekday"]), **spec["fields"]}
        circle = services.circle_create(
            course=course, created_by=facilitator, publish=not spec.get("draft"), name=spec["name"], **fields
        )
        for username in [*spec.get("members", ()), *spec.get("waiting", ())]:
            services.membership_join(circle=circle, user=people[username], via_invite=True)
        for username in spec.get("asking", ()):
            services.membership_join(circle=circle, user=people[username], request_message="I'd love to practise.")
        if spec.get("weeks_past"):
            _shift_into_the_past(circle, spec["weeks_past"])
            services.circles_advance()
            _history(circle, facilitator)
        if spec.get("cancelled"):
            services.circle_cancel(circle=circle, by=facilitator, reason=spec["cancelled"])
        circle.refresh_from_db()
        made.append(circle)
    return made
