"""Reads for goals and end-of-circle surveys: whose answers are still to come, where they are given, and what
a circle's facilitators read of them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from ..models import Circle, CircleState, CourseRating, LearnerSurvey, Membership, Role


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


def learner_answers(*, circle: Circle):
    """The circle's learners' end-of-circle answers, with the goal each set, in the order they answered.

    Everything here the learner was told their facilitators see (the goal, the advice); the course rating is
    not among it: see ``circle_course_ratings``.
    """
    return (
        LearnerSurvey.objects.filter(membership__circle=circle, membership__role=Role.LEARNER)
        .select_related("membership__user")
        .order_by("submitted_at", "pk")
    )


def circle_course_ratings(*, circle: Circle):
    """The visible course ratings given from this circle, best first rather than by learner, so that a rating
    whose writer chose not to show their name cannot be matched to them by its place in the list."""
    return (
        CourseRating.objects.visible()
        .filter(membership__circle=circle)
        .select_related("membership__user")
        .order_by("-rating", "-created_at", "pk")
    )
