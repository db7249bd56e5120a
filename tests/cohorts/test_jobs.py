"""The scheduled jobs: reminders, feedback prompts, the facilitators' digest, and the waitlist sweep."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts import services, tasks
from cohorts.models import Circle, Meeting, Membership
from p2pu.notifications.models import Notification
from p2pu.notifications.services import preference_set
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def at(meeting, when):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=when)
    meeting.refresh_from_db()
    return meeting


def reminders(**filters):
    return Notification.objects.filter(kind="circle.meeting_reminder", **filters)


@pytest.fixture
def soon(course, facilitator):
    """Meeting 1 in 23 hours, meeting 2 in 30 minutes, meeting 3 in 2 hours but cancelled."""
    now = timezone.now()
    circle = make_circle(course=course, facilitator=facilitator, meeting_url="https://meet.example.org/room")
    members = [join(circle, UserFactory(time_zone="Asia/Tokyo")), join(circle)]
    first, second, third = circle.meetings.order_by("number")
    at(first, now + dt.timedelta(hours=23))
    at(second, now + dt.timedelta(minutes=30))
    at(third, now + dt.timedelta(hours=2))
    services.meeting_cancel(meeting=third, by=facilitator)
    return circle, members, now


def test_reminders_go_a_day_and_an_hour_ahead_to_every_member(soon, facilitator):
    circle, members, now = soon
    assert services.meeting_reminders_send(now=now) == 6  # 2 meetings × (2 learners + facilitator)
    recipients = {m.user_id for m in members} | {facilitator.pk}
    tomorrow = reminders(title=f"{circle.name} meets tomorrow")
    in_an_hour = reminders(title=f"{circle.name} meets in an hour")
    assert set(tomorrow.values_list("recipient_id", flat=True)) == recipients
    assert set(in_an_hour.values_list("recipient_id", flat=True)) == recipients
    tokyo = in_an_hour.get(recipient=members[0].user)
    assert "(Asia/Tokyo)" in tokyo.body and "Join online: https://meet.example.org/room" in tokyo.body


def test_reminders_are_sent_once_however_often_the_job_runs(soon):
    _, _, now = soon
    assert services.meeting_reminders_send(now=now) == 6
    assert services.meeting_reminders_send(now=now) == 0
    assert services.meeting_reminders_send(now=now + dt.timedelta(minutes=10)) == 0
    assert reminders().count() == 6


def test_a_moved_meeting_is_reminded_again_for_its_new_time(soon, facilitator):
    circle, _, now = soon
    services.meeting_reminders_send(now=now)
    first = circle.meetings.get(number=1)
    services.meeting_move(meeting=first, by=facilitator, starts_at=first.starts_at + dt.timedelta(hours=-3))
    assert services.meeting_reminders_send(now=now) == 3


def test_cancelled_meetings_and_circles_are_not_reminded(soon, facilitator):
    circle, _, now = soon
    services.circle_cancel(circle=circle, by=facilitator)
    assert services.meeting_reminders_send(now=now) == 0


def test_reminders_respect_e_mail_preferences(soon, django_capture_on_commit_callbacks):
    _, members, now = soon
    quiet = members[1].user
    preference_set(user=quiet, kind="circle.meeting_reminder", frequency="off")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reminders_send(now=now)
    assert set(reminders(recipient=quiet).values_list("email_state", flat=True)) == {"skipped"}
    assert set(reminders(recipient=members[0].user).values_list("email_state", flat=True)) == {"sent"}
    assert quiet.email not in {address for message in mail.outbox for address in message.to}


def test_the_reminder_job_makes_no_query_per_meeting(course, site_tree):
    now = timezone.now()

    def circles_meeting_soon(count):
        for _ in range(count):
            circle = make_circle(course=course, facilitator=UserFactory())
            join(circle)
            at(circle.meetings.get(number=1), now + dt.timedelta(hours=5))

    def queries():
        with CaptureQueriesContext(connection) as context:
            services.meeting_reminders_send(now=now)
        return len(context.captured_queries)

    circles_meeting_soon(1)
    queries()
    small = queries()  # everything already reminded: only the bulk reads remain
    circles_meeting_soon(6)
    queries()
    assert queries() == small


def test_members_are_asked_for_feedback_once_after_a_meeting(course, facilitator):
    now = timezone.now()
    circle = make_circle(course=course, facilitator=facilitator)
    said, silent = join(circle), join(circle)
    ended, long_ago, _ = circle.meetings.order_by("number")
    at(ended, now - dt.timedelta(hours=2))  # ended half an hour ago
    at(long_ago, now - dt.timedelta(days=4))
    services.feedback_submit(meeting=ended, user=said.user, rating=4)
    assert services.feedback_prompts_send(now=now) == 2  # the silent learner and the facilitator
    prompted = set(Notification.objects.filter(kind="circle.feedback_prompt").values_list("recipient_id", flat=True))
    assert prompted == {silent.user_id, facilitator.pk}
    assert services.feedback_prompts_send(now=now) == 0


def test_no_feedback_prompt_before_a_meeting_ends(course):
    now = timezone.now()
    circle = make_circle(course=course)
    join(circle)
    at(circle.meetings.get(number=1), now - dt.timedelta(minutes=60))  # 90-minute meeting, still on
    assert services.feedback_prompts_send(now=now) == 0


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# 2026-11-30 is a Monday: the default digest day (settings.FACILITATOR_DIGEST_WEEKDAY).
MONDAY_MORNING = utc(2026, 11, 30, 7, 30)


def digests(**filters):
    return Notification.objects.filter(kind="circle.facilitator_digest", **filters)


def test_each_facilitator_gets_a_weekly_digest_per_circle(course, facilitator):
    with time_machine.travel(MONDAY_MORNING - dt.timedelta(days=3), tick=False):
        circle = make_circle(course=course, facilitator=facilitator, capacity=1)
        co = join(circle)
        services.facilitator_add(membership=co, by=facilitator)
        join(circle)
        join(circle)  # waiting
        make_circle(course=course, facilitator=facilitator, publish=False)  # drafts get no digest
    assert services.facilitator_digests_send(now=MONDAY_MORNING) == 2
    digest = digests().get(recipient=facilitator)
    assert "Members: 1 of 1 seats taken" in digest.body
    assert "Waiting: 1 on the waitlist, 0 asking to join." in digest.body
    # The job runs hourly: later that Monday, and on the other days of the week, nothing more.
    assert services.facilitator_digests_send(now=MONDAY_MORNING + dt.timedelta(hours=10)) == 0
    for days in range(1, 7):
        assert services.facilitator_digests_send(now=MONDAY_MORNING + dt.timedelta(days=days)) == 0
    assert services.facilitator_digests_send(now=MONDAY_MORNING + dt.timedelta(days=7)) == 2


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 11, 30, 6, 59), 0),  # Monday, before the digest hour
        (utc(2026, 11, 30, 7, 0), 1),  # Monday at the digest hour
        (utc(2026, 11, 29, 23, 30), 0),  # Sunday night
        (utc(2026, 12, 1, 7, 0), 0),  # Tuesday
    ],
)
def test_the_digest_leaves_on_the_digest_weekday_from_the_digest_hour(course, facilitator, now, expected):
    with time_machine.travel(utc(2026, 11, 25, 12, 0), tick=False):
        make_circle(course=course, facilitator=facilitator)
    assert services.facilitator_digests_send(now=now) == expected


def test_weekly_means_the_facilitators_own_monday_morning(course, facilitator):
    """Sunday 23:30 UTC is already Monday 08:30 in Tokyo: the Tokyo co-facilitator's digest leaves then,
    keyed by their Monday; the UTC facilitator's waits for their own Monday 07:00."""
    with time_machine.travel(utc(2026, 11, 25, 12, 0), tick=False):
        circle = make_circle(course=course, facilitator=facilitator)
        tokyo = join(circle, UserFactory(time_zone="Asia/Tokyo"))
        services.facilitator_add(membership=tokyo, by=facilitator)
    sunday_night = utc(2026, 11, 29, 23, 30)
    assert services.facilitator_digests_send(now=sunday_night) == 1
    assert digests().get().recipient == tokyo.user
    assert digests().get().dedupe_key.endswith(":2026-11-30")
    assert services.facilitator_digests_send(now=sunday_night + dt.timedelta(hours=1)) == 0
    assert services.facilitator_digests_send(now=MONDAY_MORNING) == 1
    assert digests(recipient=facilitator).count() == 1
    assert digests(recipient=tokyo.user).count() == 1


@pytest.mark.parametrize(
    ("zone", "monday"),
    [  # the Mondays just after each clock change of 2026
        ("Europe/London", utc(2026, 3, 30)),
        ("Europe/London", utc(2026, 10, 26)),
        ("America/New_York", utc(2026, 3, 9)),
        ("America/New_York", utc(2026, 11, 2)),
    ],
)
def test_the_digest_hour_is_local_across_daylight_saving_changes(course, zone, monday):
    person = UserFactory(time_zone=zone)
    with time_machine.travel(monday - dt.timedelta(days=3), tick=False):
        make_circle(course=course, facilitator=person)
    seven_local = dt.datetime.combine(monday.date(), dt.time(7), tzinfo=zoneinfo.ZoneInfo(zone))
    assert services.facilitator_digests_send(now=seven_local - dt.timedelta(minutes=1)) == 0
    assert services.facilitator_digests_send(now=seven_local) == 1


def test_the_waitlist_sweep_fills_free_seats(course):
    circle = make_circle(course=course, capacity=1)
    member, waiting = join(circle), join(circle)
    # A lost promotion message: the seat was freed but nobody promoted.
    Membership.objects.filter(pk=member.pk).update(status="left")
    Circle.objects.filter(pk=circle.pk).update(seats_taken=0)
    assert tasks.promote_waitlists.delay().get() == 1
    assert Membership.objects.get(pk=waiting.pk).status == "active"


def test_the_tasks_run_the_services(soon):
    circle, _, _ = soon
    assert tasks.send_meeting_reminders.delay().get() == 6
    assert tasks.advance_circle_life_cycles.delay().get() == {"running": 0, "finished": 0}
    assert tasks.send_feedback_prompts.delay().get() == 0
    with time_machine.travel(MONDAY_MORNING, tick=False):
        assert tasks.send_facilitator_digests.delay().get() == 1
    assert tasks.promote_waitlist.delay(circle.pk).get() == 0
    assert tasks.promote_waitlist.delay(0).get() == 0
