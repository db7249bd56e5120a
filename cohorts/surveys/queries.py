"""Reads for goals and end-of-circle surveys: whose answers are still to come, and where they are given."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from ..models import CircleState, Membership, Role


def survey_url(circle_id: int) -> str:
    return reverse("cohorts:surveys:answer", args=[circle_id])


def answered() -> Q:
    """Memberships whose survey is in: a learner's survey, or a facilitator's own."""
    return Q(role=Role.LEARNER, end_survey__isnull=False) | Q(role=Role.FACILITATOR, facilitator_survey__isnull=False)


def pending_end_surveys(*, user, now: dt.datetime):
    """The person's memberships of finished circles whose survey is open and not yet answered, newest first."""
    since = now - dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS)
    return (
        Membership.objects.active()
        .filter(user=user, circle__state=CircleState.FINISHED, circle__state_changed_at__gte=since)
        .exclude(answered())
        .select_related("circle")
        .order_by("-circle__state_changed_at", "pk")
    )
