"""Scheduled nudges: reviewers whose review is due soon, and facilitators about work stuck short of reviews."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from cohorts.models import CircleState, ReviewAssignment, Submission
from p2pu.notifications.services import notification_send, notifications_send_many

from .. import notification_kinds, permissions
from .common import progress_url


def _lead_words(hours: int) -> str:
    """The reminder lead as a reviewer reads it: “a day”, “2 days”, “12 hours”."""
    if hours % 24 == 0:
        days = hours // 24
        return "a day" if days == 1 else f"{days} days"
    return "an hour" if hours == 1 else f"{hours} hours"


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
    sent = 0
    for assignment in due_soon:
        lease = " Your hold on it runs out then and it goes back to the queue." if assignment.is_lease else ""
        sent += (
            notification_send(
                recipient=assignment.reviewer,
                kind=notification_kinds.DUE_SOON,
                title=f"A review for “{assignment.activity.title}” is due within {_lead_words(lead_hours)}",
                body=f"In {assignment.activity.circle.name}.{lease}",
                url=assignment.get_absolute_url(),
                dedupe_key=f"review.due_soon:{assignment.pk}",
            )
            is not None
        )
    return sent


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
    alerted = 0
    for submission in short:
        activity = submission.activity
        if activity.stuck_at(submission.submitted_at) > now:
            continue
        releasable = timezone.localtime(activity.releasable_at(submission.submitted_at))
        notifications_send_many(
            recipients=activity.circle.memberships.facilitators().people(),
            kind=notification_kinds.STUCK,
            title=f"Work in {activity.circle.name} is still waiting for reviews",
            body=(
                f"“{activity.title}”: {submission.reviews_done} of {activity.reviews_per_submission} reviews. "
                f"Review it yourself, or release it with fewer reviews from {releasable:%d %b %Y}."
            ),
            url=progress_url(activity),
            dedupe_key=f"review.stuck:{submission.pk}",
        )
        Submission.objects.filter(pk=submission.pk).update(stuck_alerted_at=now)
        alerted += 1
    return alerted
