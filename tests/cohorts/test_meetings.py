"""Meetings: expanded from the schedule in the circle's zone, stored in UTC, moved, cancelled, attended, rated."""

import datetime as dt
from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, Meeting, MeetingFeedback
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_weekly_meetings_are_stored_in_utc_across_a_dst_change(course):
    # New York moves to daylight-saving time on 10 March 2030: 18:00 local is 23:00 UTC before, 22:00 after.
    circle = make_circle(
        course=course, time_zone="America/New_York", start_date=dt.date(2030, 3, 5), weekday=1, weeks=3
    )
    assert list(circle.meetings.values_list("starts_at", flat=True)) == [
        utc(2030, 3, 5, 23),
        utc(2030, 3, 12, 22),
        utc(2030, 3, 19, 22),
    ]


def test_meetings_on_chosen_dates(course):
    circle = make_circle(
        course=course,
        time_zone="Europe/Berlin",
        schedule_kind="dates",
        weekday=None,
        meeting_time=None,
        weeks=None,
        meeting_dates=["2030-04-04T19:00", "2030-03-28T19:00"],
    )
    # CET (+1) until 31 March 2030, then CEST (+2); stored in order.
    assert list(circle.meetings.values_list("number", "starts_at")) == [
        (1, utc(2030, 3, 28, 18)),
        (2, utc(2030, 4, 4, 17)),
    ]


def test_meeting_i_covers_module_i_and_extra_meetings_none(course):
    circle = make_circle(course=course, weeks=4)
    modules = [pin.module_id for pin in circle.pinned_modules.order_by("position")]
    assert list(circle.meetings.order_by("number").values_list("module_id", flat=True)) == [*modules, None]


def test_a_weekly_schedule_needs_its_day_time_and_weeks(course):
    with pytest.raises(ValidationError) as error:
        make_circle(course=course, weekday=None, weeks=None)
    assert set(error.value.message_dict) == {"weekday", "weeks"}


def test_in_person_circles_need_a_venue(course):
    with pytest.raises(ValidationError) as error:
        make_circle(course=course, venue_kind="in_person", meeting_url="")
    assert set(error.value.message_dict) == {"venue_name", "city", "country"}


def test_changing_the_schedule_keeps_meeting_ids_and_tells_members(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, weeks=3)
    member = join(circle)
    before = list(circle.meetings.order_by("number").values_list("pk", flat=True))
    services.circle_update(circle=circle, by=facilitator, meeting_time=dt.time(19, 30), weeks=2)
    after = list(circle.meetings.order_by("number").values_list("pk", "sequence"))
    assert [pk for pk, _ in after] == before[:2]
    assert all(sequence == 1 for _, sequence in after)
    assert {m.astimezone(UTC).time() for m in circle.meetings.values_list("starts_at", flat=True)} == {dt.time(19, 30)}
    assert Notification.objects.filter(recipient=member.user, kind="circle.meeting_changed").count() == 1


def test_the_schedule_is_fixed_once_meetings_have_begun(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    circle.meetings.filter(number=1).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="cannot change"):
        services.circle_update(circle=circle, by=facilitator, weeks=5)
    services.circle_update(circle=circle, by=facilitator, name="A new name")  # other details still can
    assert Circle.objects.get(pk=circle.pk).name == "A new name"


def test_moving_a_meeting_tells_members_in_their_own_time_zones(
    course, facilitator, django_capture_on_commit_callbacks
):
    circle = make_circle(course=course, facilitator=facilitator, time_zone="Europe/Berlin")
    tokyo = join(circle, UserFactory(time_zone="Asia/Tokyo"))
    meeting = circle.meetings.get(number=2)
    original = meeting.starts_at
    new_time = (original + dt.timedelta(days=1)).replace(hour=10, minute=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_move(meeting=meeting, by=facilitator, starts_at=new_time, note="The room is booked.")
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.originally_starts_at, meeting.sequence) == (new_time, original, 1)
    notice = Notification.objects.get(recipient=tokyo.user, kind="circle.meeting_changed")
    assert f"{new_time.astimezone(dt.timezone(dt.timedelta(hours=9))):%H:%M} (Asia/Tokyo)" in notice.title
    assert "The room is booked." in notice.body
    # The facilitator who moved it is not told about their own change.
    assert not Notification.objects.filter(recipient=facilitator, kind="circle.meeting_changed").exists()


def test_a_stale_change_notice_stays_quiet_and_a_repeated_one_sends_once(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    join(circle)
    meeting = circle.meetings.get(number=1)
    services.meeting_move(meeting=meeting, by=facilitator, starts_at=meeting.starts_at + dt.timedelta(hours=1))
    services.meeting_move(meeting=meeting, by=facilitator, starts_at=meeting.starts_at + dt.timedelta(hours=1))
    assert services.meeting_changed_notify(meeting_id=meeting.pk, sequence=1, actor_id=facilitator.pk) == 0
    assert services.meeting_changed_notify(meeting_id=meeting.pk, sequence=2, actor_id=facilitator.pk) == 1
    assert services.meeting_changed_notify(meeting_id=meeting.pk, sequence=2, actor_id=facilitator.pk) == 0


def test_cancelling_a_meeting(course, facilitator, django_capture_on_commit_callbacks):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    meeting = circle.meetings.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=facilitator, note="Public holiday.")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    assert "cancelled" in Notification.objects.get(recipient=member.user, kind="circle.meeting_changed").title
    with pytest.raises(ValidationError, match="cancelled"):
        services.meeting_move(meeting=meeting, by=facilitator, starts_at=meeting.starts_at + dt.timedelta(days=1))


def test_meetings_cannot_move_into_the_past_or_after_they_began(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    meeting = circle.meetings.get(number=1)
    with pytest.raises(ValidationError) as error:
        services.meeting_move(meeting=meeting, by=facilitator, starts_at=timezone.now() - dt.timedelta(hours=1))
    assert "starts_at" in error.value.message_dict
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="already begun"):
        services.meeting_cancel(meeting=meeting, by=facilitator)


def test_only_facilitators_change_meetings(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    meeting = circle.meetings.get(number=1)
    for outsider in (member.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.meeting_move(meeting=meeting, by=outsider, starts_at=meeting.starts_at + dt.timedelta(days=1))
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(meeting=meeting, by=outsider)
        with pytest.raises(PermissionDenied):
            services.meeting_module_assign(meeting=meeting, by=outsider, module=None)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_a_meeting_covers_only_a_module_of_the_pinned_course(course, facilitator):
    from tests.cohorts.factories import make_course

    circle = make_circle(course=course, facilitator=facilitator)
    meeting = circle.meetings.get(number=1)
    last = circle.pinned_modules.order_by("-position").first().module
    assert services.meeting_module_assign(meeting=meeting, by=facilitator, module=last).module == last
    elsewhere = make_course(modules=1).modules().first()
    with pytest.raises(ValidationError):
        services.meeting_module_assign(meeting=meeting, by=facilitator, module=elsewhere)


def _begin(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


def test_facilitators_take_attendance_once_a_meeting_began(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    here, away = join(circle), join(circle)
    meeting = circle.meetings.get(number=1)
    with pytest.raises(ValidationError, match="once the meeting has begun"):
        services.attendance_record(meeting=meeting, by=facilitator, present=[here.pk])
    _begin(meeting)
    assert services.attendance_record(meeting=meeting, by=facilitator, present=[here.pk]) == 3
    present = dict(meeting.attendance.values_list("membership_id", "present"))
    assert present[here.pk] is True and present[away.pk] is False
    services.attendance_record(meeting=meeting, by=facilitator, present=[here.pk, away.pk])
    assert meeting.attendance.filter(present=True).count() == 2
    with pytest.raises(PermissionDenied):
        services.attendance_record(meeting=meeting, by=here.user, present=[here.pk])
    outsider = join(make_circle(course=course))
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, by=facilitator, present=[outsider.pk])


def test_members_rate_a_meeting_after_it_began_and_may_change_their_mind(course):
    circle = make_circle(course=course)
    member = join(circle)
    meeting = circle.meetings.get(number=1)
    with pytest.raises(PermissionDenied):
        services.feedback_submit(meeting=meeting, user=member.user, rating=4)
    _begin(meeting)
    services.feedback_submit(meeting=meeting, user=member.user, rating=4, reflection="Good pace.")
    services.feedback_submit(meeting=meeting, user=member.user, rating=5, reflection="Even better on reflection.")
    assert list(MeetingFeedback.objects.values_list("rating", "reflection")) == [(5, "Even better on reflection.")]
    with pytest.raises(ValidationError):
        services.feedback_submit(meeting=meeting, user=member.user, rating=6)
    for outsider in (UserFactory(), join(make_circle(course=course)).user):
        with pytest.raises(PermissionDenied):
            services.feedback_submit(meeting=meeting, user=outsider, rating=3)


def test_the_life_cycle_moves_by_itself(course, facilitator):
    now = timezone.now()
    circle = make_circle(course=course, facilitator=facilitator, weeks=2)
    first, last = circle.meetings.order_by("number")
    draft = make_circle(course=course, publish=False)

    assert services.circles_advance(now=now) == {"running": 0, "finished": 0}
    assert services.circles_advance(now=first.starts_at) == {"running": 1, "finished": 0}
    assert Circle.objects.get(pk=circle.pk).state == "running"
    just_before_the_end = last.starts_at + dt.timedelta(minutes=89)
    assert services.circles_advance(now=just_before_the_end) == {"running": 0, "finished": 0}
    assert services.circles_advance(now=last.starts_at + dt.timedelta(minutes=90)) == {"running": 0, "finished": 1}
    assert Circle.objects.get(pk=circle.pk).state == "finished"
    assert Circle.objects.get(pk=draft.pk).state == "draft"  # drafts wait for their facilitator


def test_cancelling_a_circle_cancels_its_meetings_to_come_and_tells_everyone(course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    member, waiting = join(circle), join(circle)
    services.circle_cancel(circle=circle, by=facilitator, reason="Not enough time this term.")
    assert Circle.objects.get(pk=circle.pk).state == "cancelled"
    assert set(circle.meetings.values_list("status", flat=True)) == {"cancelled"}
    told = set(Notification.objects.filter(kind="circle.cancelled").values_list("recipient_id", flat=True))
    assert told == {member.user_id, waiting.user_id}
    assert services.circles_advance(now=timezone.now() + dt.timedelta(days=365))["finished"] == 0
