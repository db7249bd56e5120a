"""Writing about course ratings: readers flag reviews, site editors hide or keep them, maintainers reply.

Creating a rating is the end-of-circle survey's job; everything here works on ratings that exist.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from cohorts import audit_actions
from cohorts.models import CourseRating, CourseRatingFlag
from cohorts.rate_limits import (
    COURSE_RATING_FLAGS_SENT,
    COURSE_RATING_NOTICES_RECEIVED,
    COURSE_RATING_REPLIES_SENT,
    TOO_MANY_COURSE_REVIEW_FLAGS,
    TOO_MANY_COURSE_REVIEW_REPLIES,
)
from p2pu.audit.services import audit_record
from p2pu.core.permissions import require
from p2pu.notifications.services import notification_send, notifications_send_many

from ..discussions.services.common import language_of, site_editors
from . import notification_kinds
from .permissions import can_flag, can_moderate, can_reply

NOT_A_MODERATOR = _("Only site editors moderate course reviews.")


def _lock(rating: CourseRating) -> CourseRating:
    return (
        CourseRating.objects.select_for_update(of=("self",))
        .select_related("membership__user", "course")
        .get(pk=rating.pk)
    )


def review_url(rating: CourseRating) -> str:
    """Where the review shows: its place on the course page."""
    return f"{rating.course.url}#review-{rating.pk}"


def _by_language(people) -> dict[str, list]:
    groups: dict[str, list] = {}
    for person in people:
        groups.setdefault(language_of(person), []).append(person)
    return groups


@transaction.atomic
def course_rating_flag(*, rating: CourseRating, by, explanation: str, now: dt.datetime | None = None):
    """A reader reports a review as inappropriate, once; site editors hear of it."""
    rating = _lock(rating)
    require(can_flag(user=by, rating=rating), _gettext("You cannot flag this review."))
    explanation = explanation.strip()
    if not explanation:
        raise ValidationError({"explanation": _("Say what is wrong with the review, so a site editor can judge.")})
    if CourseRatingFlag.objects.filter(rating=rating, raised_by=by).exists():
        raise ValidationError(_("You have already flagged this review; a site editor will look at it."))
    COURSE_RATING_FLAGS_SENT.require(by.pk, TOO_MANY_COURSE_REVIEW_FLAGS)
    flag = CourseRatingFlag.objects.create(
        rating=rating, raised_by=by, explanation=explanation[:2000], raised_at=now or timezone.now()
    )
    recipients = [
        person for person in site_editors().exclude(pk=by.pk) if COURSE_RATING_NOTICES_RECEIVED.hit(person.pk)
    ]
    url = reverse("course_rating_flag_moderate", kwargs={"rating_flag_id": flag.pk})
    for language, group in _by_language(recipients).items():
        with translation.override(language):
            notifications_send_many(
                recipients=group,
                kind=notification_kinds.FLAG,
                title=_gettext("A review of “%(course)s” was flagged") % {"course": rating.course.title},
                body=Truncator(flag.explanation).chars(280),
                url=url,
                dedupe_key=f"course_rating.flag:{flag.pk}",
            )
    return flag


@transaction.atomic
def course_rating_hide(*, rating: CourseRating, by, note: str = "", now: dt.datetime | None = None) -> CourseRating:
    """A site editor hides a review (and its rating) from the course page; its open flags are resolved."""
    require(can_moderate(by), NOT_A_MODERATOR)
    rating = _lock(rating)
    if rating.hidden_at is not None:
        raise ValidationError(_("This review is already hidden."))
    now = now or timezone.now()
    rating.hidden_at, rating.hidden_by = now, by
    rating.save(update_fields=["hidden_at", "hidden_by"])
    rating.flags.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=by, review_hidden=True)
    audit_record(
        actor=by,
        action=audit_actions.COURSE_RATING_HIDDEN,
        subject=rating,
        target=rating.membership.user,
        scope=rating.course,
        reason=note,
    )
    return rating


@transaction.atomic
def course_rating_unhide(*, rating: CourseRating, by, note: str = "") -> CourseRating:
    require(can_moderate(by), NOT_A_MODERATOR)
    rating = _lock(rating)
    if rating.hidden_at is None:
        raise ValidationError(_("This review is not hidden."))
    rating.hidden_at, rating.hidden_by = None, None
    rating.save(update_fields=["hidden_at", "hidden_by"])
    audit_record(
        actor=by,
        action=audit_actions.COURSE_RATING_UNHIDDEN,
        subject=rating,
        target=rating.membership.user,
        scope=rating.course,
        reason=note,
    )
    return rating


@transaction.atomic
def course_rating_flags_dismiss(
    *, rating: CourseRating, by, note: str = "", now: dt.datetime | None = None
) -> CourseRating:
    """A site editor keeps a flagged review as it is: every open flag on it is resolved."""
    require(can_moderate(by), NOT_A_MODERATOR)
    rating = _lock(rating)
    resolved = rating.flags.filter(resolved_at__isnull=True).update(
        resolved_at=now or timezone.now(), resolved_by=by, review_hidden=rating.hidden_at is not None
    )
    if not resolved:
        raise ValidationError(_("Every flag on this review has already been dealt with."))
    audit_record(
        actor=by, action=audit_actions.COURSE_RATING_FLAG_DISMISSED, subject=rating, scope=rating.course, reason=note
    )
    return rating


def _reply_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"reply": _("Write your reply.")})
    return text[:4000]


@transaction.atomic
def course_rating_reply(*, rating: CourseRating, by, text: str, now: dt.datetime | None = None) -> CourseRating:
    """One of the course's maintainers answers a review, once; its writer is told."""
    rating = _lock(rating)
    require(can_reply(user=by, rating=rating), _gettext("Only the course's maintainers can reply to its reviews."))
    text = _reply_text(text)
    if rating.replied_at is not None:
        raise ValidationError(_("This review has a reply already: edit that reply instead."))
    COURSE_RATING_REPLIES_SENT.require(by.pk, TOO_MANY_COURSE_REVIEW_REPLIES)
    rating.reply, rating.replied_by, rating.replied_at = text, by, now or timezone.now()
    rating.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    reviewer = rating.membership.user
    if reviewer.pk != by.pk and COURSE_RATING_NOTICES_RECEIVED.hit(reviewer.pk):
        with translation.override(language_of(reviewer)):
            notification_send(
                recipient=reviewer,
                kind=notification_kinds.REPLY,
                title=_gettext("A maintainer of “%(course)s” replied to your review") % {"course": rating.course.title},
                body=Truncator(rating.reply).chars(280),
                url=review_url(rating),
                actor=by,
                dedupe_key=f"course_rating.reply:{rating.pk}",
            )
    return rating


@transaction.atomic
def course_rating_reply_edit(*, rating: CourseRating, by, text: str) -> CourseRating:
    """A maintainer corrects the course's reply (nobody is told again)."""
    rating = _lock(rating)
    require(can_reply(user=by, rating=rating), _gettext("Only the course's maintainers can reply to its reviews."))
    text = _reply_text(text)
    if rating.replied_at is None:
        raise ValidationError(_("This review has no reply to edit yet."))
    rating.reply, rating.replied_by = text, by
    rating.save(update_fields=["reply", "replied_by", "updated_at"])
    return rating
