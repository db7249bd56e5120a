"""Writes for goals and end-of-circle surveys. Keyword arguments only; each service checks who is acting.

The ask is system-sent, one per membership: its dedupe key names the membership, so finishing a circle,
re-running the job and the hourly sweep never ask anyone twice (no person-to-person quota applies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from p2pu.core.locales import person_language
from p2pu.core.permissions import require
from p2pu.core.text import multi_line
from p2pu.notifications.services import NotificationDraft, notifications_bulk_send

from ..models import (
    Circle,
    CircleState,
    CourseRating,
    FacilitatorSurvey,
    LearnerSurvey,
    Membership,
    MembershipStatus,
    Role,
)
from . import notification_kinds
from .queries import answered, survey_url
from .window import survey_open

#: Circles per chunk when asking: bounded IN lists, one bulk send per chunk.
ASK_CHUNK = 200

#: Where a person's goal may still change: while they are (or wait to be) in a circle that has not ended.
GOAL_EDITABLE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING)
GOAL_EDITABLE_STATES = (CircleState.DRAFT, CircleState.OPEN, CircleState.RUNNING)


def goal_fields_clean(membership: Membership) -> None:
    """Check a membership's goal and confidence (1–5) the way its model declares them; ValidationError if not."""
    goal_fields = ("goal", "goal_confidence")
    membership.clean_fields(exclude=[f.name for f in Membership._meta.concrete_fields if f.name not in goal_fields])


def goal_set(*, circle: Circle, user, goal: str, goal_confidence: int | None) -> Membership:
    """A member writes (or clears) their goal for a circle and how confident they feel about it (1–5)."""
    membership = None
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(circle=circle, user=user).first()
    require(
        membership is not None and membership.status in GOAL_EDITABLE_STATUSES,
        _("Only people in this circle can set a goal for it."),
    )
    if circle.state not in GOAL_EDITABLE_STATES:
        raise ValidationError(_("This circle has ended: its goals can no longer change."), code="circle_ended")
    membership.goal = multi_line(goal)
    membership.goal_confidence = goal_confidence
    goal_fields_clean(membership)
    membership.save(update_fields=["goal", "goal_confidence"])
    return membership


def survey_membership(*, circle: Circle, user, now: dt.datetime) -> Membership:
    """The person's membership of a finished circle whose survey is open; PermissionDenied (or a
    ValidationError saying why) otherwise. Only people still active in the circle when it ended answer."""
    membership = None
    if user is not None and user.is_authenticated:
        membership = Membership.objects.filter(circle=circle, user=user, status=MembershipStatus.ACTIVE).first()
    require(membership is not None, _("Only members of this circle can answer its survey."))
    if circle.state != CircleState.FINISHED:
        raise ValidationError(_("This circle has not finished yet."), code="not_finished")
    if not survey_open(finished_at=circle.state_changed_at, now=now, open_days=settings.END_SURVEY_OPEN_DAYS):
        raise ValidationError(_("This circle's survey has closed."), code="closed")
    membership.circle = circle
    return membership


def learner_survey_submit(
    *,
    circle: Circle,
    user,
    goal_met: str,
    confidence_after: int | None,
    advice: str,
    rating: int,
    review: str = "",
    show_name: bool = False,
    now: dt.datetime | None = None,
) -> LearnerSurvey:
    """A learner's answers and their rating of the course, saved together; answering again changes both."""
    now = now or timezone.now()
    membership = survey_membership(circle=circle, user=user, now=now)
    if membership.role != Role.LEARNER:
        raise ValidationError(_("Facilitators answer the facilitators' survey."), code="wrong_survey")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        survey = LearnerSurvey.objects.filter(membership=membership).first() or LearnerSurvey(
            membership=membership, submitted_at=now
        )
        survey.goal_met = goal_met
        survey.confidence_after = confidence_after
        survey.advice = multi_line(advice)
        survey.full_clean(validate_unique=False)
        survey.save()
        course_rating = CourseRating.objects.filter(membership=membership).first() or CourseRating(
            membership=membership, course_id=circle.course_id, created_at=now
        )
        course_rating.rating = rating
        course_rating.review = multi_line(review)
        course_rating.show_name = show_name
        course_rating.full_clean(validate_unique=False)
        course_rating.save()
    return survey


def facilitator_survey_submit(
    *, circle: Circle, user, how_it_went: str, course_changes: str = "", now: dt.datetime | None = None
) -> FacilitatorSurvey:
    """A facilitator's own survey: how the circle went and what they would change in the course."""
    now = now or timezone.now()
    membership = survey_membership(circle=circle, user=user, now=now)
    if membership.role != Role.FACILITATOR:
        raise ValidationError(_("Learners answer the learners' survey."), code="wrong_survey")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        survey = FacilitatorSurvey.objects.filter(membership=membership).first() or FacilitatorSurvey(
            membership=membership, submitted_at=now
        )
        survey.how_it_went = multi_line(how_it_went)
        survey.course_changes = multi_line(course_changes)
        survey.full_clean(validate_unique=False)
        survey.save()
    return survey


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ask_draft(membership: Membership) -> NotificationDraft:
    """The ask, worded in the recipient's language (their own, else the circle's)."""
    circle = membership.circle
    with translation.override(person_language(membership.user, hint=circle.language)):
        title = _("How did %(circle)s go?") % {"circle": circle.name}
        if membership.role == Role.FACILITATOR:
            body = _(
                "%(circle)s has finished. Tell us how it went and what you would change in the course: "
                "it helps the course's authors and the next facilitators."
            ) % {"circle": circle.name}
        else:
            body = _(
                "%(circle)s has finished. Did you reach your goal? Tell us how it went, and rate the course "
                "for the learners who come next."
            ) % {"circle": circle.name}
    return NotificationDraft(
        recipient=membership.user,
        kind=notification_kinds.END_SURVEY,
        title=title,
        body=body,
        url=survey_url(circle.pk),
        dedupe_key=f"circle.end_survey:{membership.pk}",
    )


def end_surveys_ask(*, circle_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Ask every active member of these circles, if finished and their survey is still open, how it went.

    Returns how many were asked now. People who already answered are not asked; nobody is asked twice.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS)
    asked = 0
    for chunk in _chunks(sorted(set(circle_ids)), ASK_CHUNK):
        memberships = (
            Membership.objects.active()
            .filter(circle_id__in=chunk, circle__state=CircleState.FINISHED, circle__state_changed_at__gte=since)
            .exclude(answered())
            .select_related("circle", "user")
            .only(
                "role", "circle__name", "circle__language", "user__preferred_language", "user__is_active", "user__email"
            )
            .order_by("pk")
        )
        asked += notifications_bulk_send(drafts=[_ask_draft(membership) for membership in memberships])
    return asked


def end_surveys_ask_due(*, now: dt.datetime | None = None) -> int:
    """The sweep: ask the members of every circle whose survey is open (an ask that never reached the
    broker when the circle finished goes out now; the dedupe keys keep everyone else from a second one)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.END_SURVEY_OPEN_DAYS)
    circle_ids = Circle.objects.filter(state=CircleState.FINISHED, state_changed_at__gte=since).values_list(
        "pk", flat=True
    )
    return end_surveys_ask(circle_ids=list(circle_ids), now=now)
