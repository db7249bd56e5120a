"""The organiser dashboard's figures: a fixed handful of aggregate queries, whatever the organisation's size.

figures = dashboard_figures(organisation=org, start=date, end=date, zone=zone, now=now)
detail = circle_detail(circle=circle, now=now)

A circle belongs to the period when its meetings overlap it (its first meeting is before the period's end
and its last on or after its start). Learners are counted per circle (a person in two circles counts
twice). Definitions, as the README states them:

- joined: a learner who became a member (whatever they did since);
- stayed: a learner who attended at least half the meetings their circle has held (none held: not counted);
- finished: a learner still a member of a circle that has finished.

Everything that depends on the viewer's time zone (months) is worked out in Python from UTC instants,
so the queries are the same on SQLite and PostgreSQL.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Sum

from cohorts.models import (
    Attendance,
    Circle,
    CircleState,
    GoalMet,
    Meeting,
    MeetingFeedback,
    MeetingStatus,
    Membership,
    MembershipStatus,
    Review,
    Role,
)

#: The dashboard's groups of circle states, in the order it shows them.
PLANNED_STATES = (CircleState.DRAFT, CircleState.OPEN)
STATE_GROUPS = ("planned", "running", "finished", "cancelled")
GOAL_ANSWERS = (GoalMet.YES, GoalMet.PARTLY, GoalMet.NO)


def period_bounds(start: dt.date, end: dt.date, zone) -> tuple[dt.datetime, dt.datetime]:
    """The instants from the start of ``start`` to the end of ``end`` (exclusive), in ``zone``."""
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _state_group(state: str) -> str:
    return "planned" if state in PLANNED_STATES else state


@dataclass
class CircleRow:
    pk: int
    name: str
    state: str
    course_id: int
    course_title: str
    first_meeting: dt.datetime | None
    joined: int = 0
    stayed: int = 0
    finished: int = 0


@dataclass
class CourseRow:
    course_id: int
    title: str
    circles: int = 0
    learners: int = 0


@dataclass
class Figures:
    months: list[dt.date]
    circles: list[CircleRow]
    state_counts: dict[str, int]
    joined: int
    stayed: int
    finished: int
    #: Meeting number → average share of learners present (0–1), over the circles that recorded attendance.
    attendance_by_number: dict[int, float]
    #: Month → (average rating, number of ratings); months without ratings are left out.
    ratings_by_month: dict[dt.date, tuple[float, int]]
    circles_by_month: dict[dt.date, int]
    courses: list[CourseRow]
    reviews_given: int
    goals: dict[str, int] = field(default_factory=dict)


def _circles_in_period(organisation, begins: dt.datetime, ends: dt.datetime) -> list[CircleRow]:
    scheduled = Q(meetings__status=MeetingStatus.SCHEDULED)
    rows = (
        Circle.objects.filter(organisation=organisation)
        .annotate(
            first_at=Min("meetings__starts_at", filter=scheduled), last_at=Max("meetings__starts_at", filter=scheduled)
        )
        .filter(first_at__lt=ends, last_at__gte=begins)
        .order_by("first_at", "pk")
        .values_list("pk", "name", "state", "course_id", "course__title", "first_at")
    )
    return [CircleRow(*row) for row in rows]


def _attendance_by_number(circle_ids: list[int]) -> dict[int, float]:
    per_meeting = (
        Attendance.objects.filter(meeting__circle__in=circle_ids, membership__role=Role.LEARNER)
        .values("meeting_id", "meeting__number")
        .annotate(present=Count("pk", filter=Q(present=True)), recorded=Count("pk"))
        .order_by()
    )
    shares = defaultdict(list)
    for row in per_meeting:
        shares[row["meeting__number"]].append(row["present"] / row["recorded"])
    return {number: sum(values) / len(values) for number, values in sorted(shares.items())}


def _ratings_by_month(organisation, begins, ends, zone) -> dict[dt.date, tuple[float, int]]:
    per_meeting = (
        MeetingFeedback.objects.filter(
            meeting__circle__organisation=organisation, meeting__starts_at__gte=begins, meeting__starts_at__lt=ends
        )
        .values("meeting_id", "meeting__starts_at")
        .annotate(total=Sum("rating"), count=Count("pk"))
        .order_by()
    )
    sums, counts = Counter(), Counter()
    for row in per_meeting:
        month = row["meeting__starts_at"].astimezone(zone).date().replace(day=1)
        sums[month] += row["total"]
        counts[month] += row["count"]
    return {month: (sums[month] / counts[month], counts[month]) for month in sorted(counts)}


def _held_meetings(circle_ids: list[int], now: dt.datetime) -> dict[int, int]:
    held = (
        Meeting.objects.filter(circle__in=circle_ids, status=MeetingStatus.SCHEDULED, starts_at__lt=now)
        .values("circle_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["circle_id"]: row["count"] for row in held}


def _learners(circle_ids: list[int]) -> list[tuple[int, int, str, str | None, int]]:
    """Every learner who became a member of these circles: (membership id, circle id, status, end-of-circle
    answer, meetings attended). Two plain queries: counting attendance apart from the memberships reads it
    once through its index, where grouping the memberships joined to their attendance took twice as long."""
    attended = dict(
        Attendance.objects.filter(meeting__circle__in=circle_ids, present=True)
        .values_list("membership_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = (
        Membership.objects.filter(circle__in=circle_ids, role=Role.LEARNER, joined_at__isnull=False)
        .values_list("pk", "circle_id", "status", "end_survey__goal_met")
        .order_by()
    )
    return [(pk, circle_id, status, goal_met, attended.get(pk, 0)) for pk, circle_id, status, goal_met in rows]


def is_stayed(*, attended: int, held: int) -> bool:
    return held > 0 and attended * 2 >= held


def dashboard_figures(*, organisation, start: dt.date, end: dt.date, zone, now: dt.datetime) -> Figures:
    begins, ends = period_bounds(start, end, zone)
    months = months_between(start, end)
    circles = _circles_in_period(organisation, begins, ends)
    by_pk = {circle.pk: circle for circle in circles}
    circle_ids = list(by_pk)
    held = _held_meetings(circle_ids, now)
    goals = Counter()
    for _pk, circle_id, status, goal_met, attended in _learners(circle_ids):
        circle = by_pk[circle_id]
        circle.joined += 1
        circle.stayed += is_stayed(attended=attended, held=held.get(circle.pk, 0))
        circle.finished += circle.state == CircleState.FINISHED and status == MembershipStatus.ACTIVE
        if goal_met in GOAL_ANSWERS:
            goals[goal_met] += 1
    state_counts = dict.fromkeys(STATE_GROUPS, 0)
    circles_by_month = dict.fromkeys(months, 0)
    courses: dict[int, CourseRow] = {}
    for circle in circles:
        state_counts[_state_group(circle.state)] += 1
        month = circle.first_meeting.astimezone(zone).date().replace(day=1)
        if month in circles_by_month:
            circles_by_month[month] += 1
        course = courses.setdefault(circle.course_id, CourseRow(circle.course_id, circle.course_title))
        course.circles += 1
        course.learners += circle.joined
    reviews_given = (
        Review.objects.submitted()
        .filter(
            assignment__activity__circle__organisation=organisation,
            submitted_at__gte=begins,
            submitted_at__lt=ends,
        )
        .count()
    )
    return Figures(
        months=months,
        circles=circles,
        state_counts=state_counts,
        joined=sum(circle.joined for circle in circles),
        stayed=sum(circle.stayed for circle in circles),
        finished=sum(circle.finished for circle in circles),
        attendance_by_number=_attendance_by_number(circle_ids),
        ratings_by_month=_ratings_by_month(organisation, begins, ends, zone),
        circles_by_month=circles_by_month,
        courses=sorted(courses.values(), key=lambda course: (-course.circles, course.title.casefold())),
        reviews_given=reviews_given,
        goals={answer.value: goals[answer.value] for answer in GOAL_ANSWERS},
    )


@dataclass
class MemberRow:
    membership: Membership
    #: Meeting id → True (present), False (absent); a meeting without a record is missing.
    attendance: dict[int, bool]
    attended: int
    stayed: bool


@dataclass
class CircleDetail:
    meetings: list[Meeting]
    held: int
    members: list[MemberRow]
    #: Meeting id → (average rating, number of ratings).
    ratings: dict[int, tuple[float, int]]
    goals: dict[str, int]


def circle_detail(*, circle: Circle, now: dt.datetime) -> CircleDetail:
    """One circle's learners with their attendance at each meeting, its meetings' ratings and its goals met."""
    meetings = list(circle.meetings.order_by("number"))
    held = sum(1 for meeting in meetings if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at < now)
    memberships = list(
        circle.memberships.filter(role=Role.LEARNER, joined_at__isnull=False)
        .select_related("user", "end_survey")
        .order_by("user__display_name", "user__username", "pk")
    )
    attendance = defaultdict(dict)
    for membership_id, meeting_id, present in Attendance.objects.filter(meeting__circle=circle).values_list(
        "membership_id", "meeting_id", "present"
    ):
        attendance[membership_id][meeting_id] = present
    ratings = {
        row["meeting_id"]: (row["total"] / row["count"], row["count"])
        for row in MeetingFeedback.objects.filter(meeting__circle=circle)
        .values("meeting_id")
        .annotate(total=Sum("rating"), count=Count("pk"))
        .order_by()
    }
    members, goals = [], Counter()
    for membership in memberships:
        marks = attendance[membership.pk]
        attended = sum(marks.values())
        members.append(MemberRow(membership, marks, attended, is_stayed(attended=attended, held=held)))
        survey = getattr(membership, "end_survey", None)
        if survey is not None and survey.goal_met in GOAL_ANSWERS:
            goals[survey.goal_met] += 1
    return CircleDetail(
        meetings=meetings,
        held=held,
        members=members,
        ratings=ratings,
        goals={answer.value: goals[answer.value] for answer in GOAL_ANSWERS},
    )
