"""The scheduled jobs that speak to members: meeting reminders, feedback prompts, the facilitators' digest.

Each is idempotent (dedupe keys make a re-run send nothing twice) and works in bulk: a constant
number of queries to find who is due, then ``notifications_bulk_send`` records them a chunk at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, gettext_lazy

from p2pu.core.locales import person_language
from p2pu.core.zones import person_zone
from p2pu.notifications.models import Notification
from p2pu.notifications.services import NotificationDraft, notifications_bulk_send

from .. import notification_kinds
from ..lazy_texts import filled_in_lazy
from ..models import JOINABLE_STATES, Circle, Meeting, MeetingFeedback, Membership, MembershipStatus, RsvpAnswer
from ..models.circles import MAX_MEETING_MINUTES
from .rsvp import RsvpLinks

#: Bulk jobs work in chunks: bounded IN lists, and one transaction per chunk instead of per insert.
JOB_CHUNK = 500


def _chunks(items: list, size: int = JOB_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _members_by_circle(circle_ids: Iterable[int]) -> dict[int, list[Membership]]:
    members: dict[int, list[Membership]] = defaultdict(list)
    for chunk in _chunks(sorted(set(circle_ids))):
        memberships = (
            Membership.objects.active()
            .filter(circle_id__in=chunk)
            .select_related("user")
            # What a notification reads of its recipient: the zone for the wording, whether to e-mail,
            # and the language to write in.
            .only("circle_id", "user__time_zone", "user__preferred_language", "user__is_active", "user__email")
        )
        for membership in memberships:
            members[membership.circle_id].append(membership)
    return members


def _already_notified(keys: Iterable[str]) -> set[tuple[int, str]]:
    """(recipient id, dedupe key) pairs already recorded, so a re-run of a job costs a few queries."""
    seen: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted(set(keys))):
        seen.update(Notification.objects.filter(dedupe_key__in=chunk).values_list("recipient_id", "dedupe_key"))
    return seen


@functools.lru_cache(maxsize=1024)
def _day_words(language: str, day: dt.date) -> str:
    return date_format(day, "D j M Y")


def _local_time_words(local: dt.datetime) -> str:
    """What ``local_time_for`` says (“Tue 5 Mar 2024, 18:00 (Europe/Berlin)”), with each day's words made once:
    ten thousand meetings fall on a handful of days."""
    return f"{_day_words(translation.get_language(), local.date())}, {local:%H:%M} ({local.tzinfo.key})"


def _lead_words(hours: int) -> str:
    if hours == 1:
        return gettext("in an hour")
    if hours == 24:
        return gettext("tomorrow")
    return gettext("in %(hours)d hours") % {"hours": hours}


def meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind members ahead of each meeting (settings.MEETING_REMINDER_LEAD_HOURS); returns how many were recorded.

    Run every few minutes. A meeting gets the reminder of the shortest lead it falls within (with the
    default leads: within the hour the 1-hour one, within the day the 24-hour one). The dedupe key
    names the meeting's start time, so a moved meeting is reminded again for its new time but never
    twice for the same one; cancelled meetings are skipped.
    """
    now = now or timezone.now()
    windows, lower = [], now
    for hours in sorted(settings.MEETING_REMINDER_LEAD_HOURS):
        upper = now + dt.timedelta(hours=hours)
        windows.append((hours, lower, upper))
        lower = upper
    meetings = (
        Meeting.objects.starting_between(now, lower)
        .filter(circle__state__in=JOINABLE_STATES)
        .select_related("circle")
        # The module's title only: a page row with its whole body would cost far more than the reminder.
        .annotate(module_title=F("module__title"))
        .order_by("starts_at", "pk")
    )
    due = []
    for meeting in meetings:
        hours = next(hours for hours, start, end in windows if start < meeting.starts_at <= end)
        key = f"circle.meeting_reminder:{meeting.pk}:{hours}h:{meeting.starts_at:%Y%m%dT%H%MZ}"
        due.append((meeting, hours, key))
    members = _members_by_circle(meeting.circle_id for meeting, _, _ in due)
    seen = _already_notified(key for _, _, key in due)
    links = RsvpLinks()
    drafts = (
        draft
        for meeting, hours, key in due
        for draft in _reminder_drafts(
            meeting=meeting,
            lead_hours=hours,
            recipients=[m for m in members.get(meeting.circle_id, ()) if (m.user_id, key) not in seen],
            dedupe_key=key,
            links=links,
        )
    )
    return notifications_bulk_send(drafts=drafts)


def _rsvp_words(*, links: RsvpLinks, membership: Membership, meeting: Meeting) -> str:
    going = links.url(membership=membership, meeting=meeting, answer=RsvpAnswer.GOING)
    not_going = links.url(membership=membership, meeting=meeting, answer=RsvpAnswer.NOT_GOING)
    return gettext("Are you coming? Going: %(going)s\nNot going: %(not_going)s") % {
        "going": going,
        "not_going": not_going,
    }


def _reminder_drafts(
    *, meeting: Meeting, lead_hours: int, recipients: list[Membership], dedupe_key: str, links: RsvpLinks
) -> list[NotificationDraft]:
    """One meeting's reminder to each recipient membership; the time, in each one's own zone, and the
    answer links, signed for each member, differ."""
    if not recipients:
        return []
    circle = meeting.circle
    url = circle.get_absolute_url()
    # Each recipient's language (their own, else the circle's) and zone: the words are made once per pair.
    texts: dict[tuple[str, str], tuple[str, str]] = {}
    drafts = []
    for membership in recipients:
        user = membership.user
        zone = person_zone(user)
        language = person_language(user, hint=circle.language)
        if (language, zone.key) not in texts:
            with translation.override(language):
                texts[language, zone.key] = _reminder_texts(
                    meeting=meeting, lead_hours=lead_hours, starts=_local_time_words(meeting.starts_at.astimezone(zone))
                )
        title, body = texts[language, zone.key]
        with translation.override(language):
            answer_words = _rsvp_words(links=links, membership=membership, meeting=meeting)
        drafts.append(
            NotificationDraft(
                recipient=user,
                kind=notification_kinds.MEETING_REMINDER,
                title=title,
                body=f"{body}\n\n{answer_words}",
                url=url,
                dedupe_key=dedupe_key,
                language=circle.language,
            )
        )
    return drafts


def _reminder_texts(*, meeting: Meeting, lead_hours: int, starts: str) -> tuple[str, str]:
    """A reminder's title and body in the active language."""
    circle = meeting.circle
    if not circle.is_online:
        where = gettext("Where: %(place)s") % {"place": circle.place}
    elif circle.meeting_url:
        where = gettext("Join online: %(url)s") % {"url": circle.meeting_url}
    else:
        where = gettext("Online: the facilitators will share the link.")
    title = gettext("%(circle)s meets %(when)s") % {"circle": circle.name, "when": _lead_words(lead_hours)}
    if meeting.module_id:
        starts_line = gettext("Meeting %(number)d (%(topic)s) starts %(starts)s.") % {
            "number": meeting.number,
            "topic": meeting.module_title,
            "starts": starts,
        }
    else:
        starts_line = gettext("Meeting %(number)d starts %(starts)s.") % {"number": meeting.number, "starts": starts}
    return title, f"{starts_line}\n{where}"


def feedback_prompts_send(*, now: dt.datetime | None = None) -> int:
    """Ask members how a meeting went soon after it ends: once per meeting, and not if they already said."""
    now = now or timezone.now()
    window = dt.timedelta(hours=settings.MEETING_FEEDBACK_PROMPT_HOURS)
    longest = dt.timedelta(minutes=MAX_MEETING_MINUTES)
    candidates = (
        Meeting.objects.scheduled()
        .filter(starts_at__lte=now, starts_at__gt=now - window - longest)
        .select_related("circle")
    )
    ended = [m for m in candidates if now - window < m.ends_at <= now]
    members = _members_by_circle(meeting.circle_id for meeting in ended)
    keys = {meeting.pk: f"circle.feedback_prompt:{meeting.pk}" for meeting in ended}
    seen = _already_notified(keys.values())
    given = set(
        MeetingFeedback.objects.filter(meeting__in=[m.pk for m in ended]).values_list("meeting_id", "membership_id")
    )
    return notifications_bulk_send(
        drafts=(
            NotificationDraft(
                recipient=membership.user,
                kind=notification_kinds.FEEDBACK_PROMPT,
                title=filled_in_lazy(
                    gettext_lazy("How was meeting %(number)d of %(circle)s?"),
                    {"number": meeting.number, "circle": meeting.circle.name},
                ),
                body=gettext_lazy(
                    "Rate it from 1 to 5 and add a line or two: it helps the facilitators plan the next one."
                ),
                url=f"{meeting.get_absolute_url()}#feedback",
                dedupe_key=keys[meeting.pk],
                language=meeting.circle.language,
            )
            for meeting in ended
            for membership in members.get(meeting.circle_id, ())
            if (membership.user_id, keys[meeting.pk]) not in seen and (meeting.pk, membership.pk) not in given
        )
    )


def _digests_due(now: dt.datetime) -> dict[int, list[tuple[object, str]]]:
    """(facilitator, dedupe key) pairs by circle id, for facilitators whose digest morning it is and
    who have not had this week's digest of that circle yet."""
    due: dict[int, list[tuple[object, str]]] = defaultdict(list)
    facilitators = Membership.objects.facilitators().filter(circle__state__in=JOINABLE_STATES).select_related("user")
    for membership in facilitators:
        local = now.astimezone(person_zone(membership.user))
        if local.weekday() == settings.FACILITATOR_DIGEST_WEEKDAY and local.hour >= settings.FACILITATOR_DIGEST_HOUR:
            key = f"circle.facilitator_digest:{membership.circle_id}:{local.date().isoformat()}"
            due[membership.circle_id].append((membership.user, key))
    seen = _already_notified(key for people in due.values() for _, key in people)
    pending = {
        circle_id: [(user, key) for user, key in people if (user.pk, key) not in seen]
        for circle_id, people in due.items()
    }
    return {circle_id: people for circle_id, people in pending.items() if people}


def facilitator_digests_send(*, now: dt.datetime | None = None) -> int:
    """Each facilitator's weekly summary of each circle they run: who joined, who waits, how meetings went.

    Weekly means: on settings.FACILITATOR_DIGEST_WEEKDAY, from FACILITATOR_DIGEST_HOUR on, in the
    facilitator's own time zone. Run hourly; the dedupe key names the circle and the facilitator's
    local date, so later runs that day send nothing and the next week's digest is a new one.
    """
    now = now or timezone.now()
    due = _digests_due(now)
    if not due:
        return 0
    week_ago, week_ahead = now - dt.timedelta(days=7), now + dt.timedelta(days=7)
    circles = list(
        Circle.objects.filter(pk__in=list(due))
        .with_seat_counts()
        .annotate(
            joined_this_week=Count(
                "memberships",
                filter=Q(memberships__status=MembershipStatus.ACTIVE, memberships__joined_at__gte=week_ago),
                distinct=True,
            ),
            pending_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.PENDING), distinct=True),
        )
        .order_by("pk")
    )
    meetings_ahead = dict(
        Meeting.objects.scheduled()
        .filter(circle_id__in=list(due), starts_at__gte=now, starts_at__lt=week_ahead)
        .values("circle_id")
        .annotate(count=Count("pk"))
        .values_list("circle_id", "count")
    )
    held = {
        row["circle_id"]: row
        for row in Meeting.objects.scheduled()
        .filter(circle_id__in=list(due), starts_at__gte=week_ago, starts_at__lt=now)
        .values("circle_id")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            rating=Avg("feedback__rating"),
        )
    }
    drafts = []
    for circle in circles:
        for user, key in due[circle.pk]:
            with translation.override(person_language(user, hint=circle.language)):
                title, body = _digest_texts(
                    circle, meetings_ahead=meetings_ahead.get(circle.pk, 0), held=held.get(circle.pk)
                )
            drafts.append(
                NotificationDraft(
                    recipient=user,
                    kind=notification_kinds.FACILITATOR_DIGEST,
                    title=title,
                    body=body,
                    url=circle.get_manage_url(),
                    dedupe_key=key,
                )
            )
    return notifications_bulk_send(drafts=drafts)


def _digest_texts(circle: Circle, *, meetings_ahead: int, held: dict | None) -> tuple[str, str]:
    """A facilitator's weekly digest of one circle, in the active language."""
    lines = [
        gettext("Members: %(taken)d of %(capacity)d seats taken (%(joined)d joined in the last 7 days).")
        % {"taken": circle.seats_taken, "capacity": circle.capacity, "joined": circle.joined_this_week},
        gettext("Waiting: %(waiting)d on the waitlist, %(pending)d asking to join.")
        % {"waiting": circle.waitlist_count, "pending": circle.pending_count},
        gettext("Meetings in the coming week: %(count)d.") % {"count": meetings_ahead},
    ]
    if held is not None:
        rating = held["rating"]
        if rating:
            line = gettext("Last week: %(present)d marked present, average feedback %(rating)s of 5.") % {
                "present": held["present"],
                "rating": number_format(rating, decimal_pos=1),
            }
        else:
            line = gettext("Last week: %(present)d marked present, no feedback yet.") % {"present": held["present"]}
        lines.append(line)
    title = gettext("Your week in %(circle)s") % {"circle": circle.name}
    return title, "\n".join(lines)
