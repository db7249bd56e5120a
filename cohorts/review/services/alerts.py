"""Scheduled nudges: reviewers whose review is due soon, and facilitators about work stuck short of reviews."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import CircleState, Membership, ReviewAssignment, Submission
from p2pu.notifications.services import NotificationDraft, notifications_bulk_send

from .. import notification_kinds, permissions
from .common import progress_url


def _due_soon_title(activity_title: str, hours: int) -> str:
    """The reminder's title, its lead as a reviewer reads it: “a day”, “2 days”, “12 hours”."""
    if hours % 24 == 0:
        days = hours // 24
        words = ngettext(
            "A review for “%(activity)s” is due within a day",
            "A review for “%(activity)s” is due within %(count)d days",
            days,
        )
        return words % {"activity": activity_title, "count": days}
    words = ngettext(
        "A review for “%(activity)s” is due within an hour",
        "A review for “%(activity)s” is due within %(count)d hours",
        hours,
    )
    return words % {"activity": activity_title, "count": hours}


def review_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind reviewers ``REVIEW_REMINDER_LEAD_HOURS`` before a review is due (once per assignment)."""
    now = now or timezone.now()
    lead_hours = settings.REVIEW_REMINDER_LEAD_HOURS
    due_soon = (
        ReviewAssignment.objects.open()
        .filter(due_at__gt=now, due_at__lte=now + dt.timedelta(hours=lead_hours))
        .filter(activity__circle__state__in=permissions.WORKING_STATES)
        .select_related("activity", "activity__circle", "reviewer")
    )
    in_circle = _("In %(circle)s.")
    in_circle_lease = _("In %(circle)s. Your hold on it runs out then and it goes back to the queue.")
    return notifications_bulk_send(
        drafts=(
            NotificationDraft(
                recipient=assignment.reviewer,
                kind=notification_kinds.DUE_SOON,
                title=_due_soon_title(assignment.activity.title, lead_hours),
                body=(in_circle_lease if assignment.is_lease else in_circle)
                % {"circle": assignment.activity.circle.name},
                url=assignment.get_absolute_url(),
                dedupe_key=f"review.due_soon:{assignment.pk}",
            )
            for assignment in due_soon.iterator(chunk_size=500)
        )
    )


def submissions_stuck_alert(*, now: dt.datetime | None = None) -> int:
    """Tell facilitators about work still short of reviews ``stuck_after_days`` after the deadline."""
    now = now or timezone.now()
    short = (
        Submission.objects.submitted()
        .filter(released_at__isnull=True, stuck_alerted_at__isnull=True, activity__due_at__lte=now)
        .exclude(activity__circle__state__in=[CircleState.DRAFT, CircleState.CANCELLED])
        .with_reviews_done()
        .filter(reviews_done__lt=F("activity__reviews_per_submission"))
        .select_related("activity", "activity__circle")
    )
    stuck = [submission for submission in short if submission.activity.stuck_at(submission.submitted_at) <= now]
    facilitators = _facilitators_by_circle({submission.activity.circle_id for submission in stuck})
    drafts = []
    for submission in stuck:
        activity = submission.activity
        releasable = timezone.localtime(activity.releasable_at(submission.submitted_at))
        drafts.extend(
            NotificationDraft(
                recipient=person,
                kind=notification_kinds.STUCK,
                title=_("Work in %(circle)s is still waiting for reviews") % {"circle": activity.circle.name},
                body=ngettext(
                    "“%(activity)s”: %(done)d of %(wanted)d review. "
                    "Review it yourself, or release it with fewer reviews from %(date)s.",
                    "“%(activity)s”: %(done)d of %(wanted)d reviews. "
                    "Review it yourself, or release it with fewer reviews from %(date)s.",
                    activity.reviews_per_submission,
                )
                % {
                    "activity": activity.title,
                    "done": submission.reviews_done,
                    "wanted": activity.reviews_per_submission,
                    "date": date_format(releasable, "d M Y"),
                },
                url=progress_url(activity),
                dedupe_key=f"review.stuck:{submission.pk}",
            )
            for person in facilitators.get(activity.circle_id, ())
        )
    with transaction.atomic():
        notifications_bulk_send(drafts=drafts)
        Submission.objects.filter(pk__in=[submission.pk for submission in stuck]).update(stuck_alerted_at=now)
    return len(stuck)


def _facilitators_by_circle(circle_ids: set[int]) -> dict[int, list]:
    people = defaultdict(list)
    for membership in Membership.objects.facilitators().filter(circle_id__in=circle_ids).select_related("user"):
        people[membership.circle_id].append(membership.user)
    return people
