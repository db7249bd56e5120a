"""An author's answer to a review of their work: how helpful it was, or a flag for the facilitators."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts import rate_limits
from cohorts.models import FlagReason, Review, ReviewFlag, SubmissionAuthor
from cohorts.permissions import circle_access
from p2pu.core.permissions import require
from p2pu.core.rate_limits import Quota, quotas_require
from p2pu.notifications.services import notifications_send_many

from .. import notification_kinds
from .common import moderation_url


def _respondable(review: Review, by) -> None:
    access = circle_access(user=by, circle=review.submission.activity.circle)
    is_author = SubmissionAuthor.objects.filter(submission=review.submission, user=by).exists()
    require(
        is_author and access.is_member and review.is_submitted and not review.is_hidden,
        _("Only the work's authors can respond to its reviews."),
    )


@transaction.atomic
def review_rate(*, review: Review, by, helpfulness: int, now: dt.datetime | None = None) -> Review:
    """The author says how helpful a review was; its reviewer sees the rating."""
    _respondable(review, by)
    if helpfulness not in dict(Review.HELPFULNESS_CHOICES):
        raise ValidationError({"helpfulness": _("Choose how helpful the review was.")})
    review.helpfulness = helpfulness
    review.helpfulness_rated_at = now or timezone.now()
    review.save(update_fields=["helpfulness", "helpfulness_rated_at", "updated_at"])
    return review


@transaction.atomic
def review_flag(*, review: Review, by, reason: str, explanation: str, now: dt.datetime | None = None) -> ReviewFlag:
    """The author reports a review as inappropriate; it goes to the facilitators' moderation queue."""
    _respondable(review, by)
    errors = {}
    if reason not in FlagReason.values:
        errors["reason"] = _("Choose a reason.")
    if not explanation.strip():
        errors["explanation"] = _("Say what is wrong with the review, so a facilitator can act on it.")
    if errors:
        raise ValidationError(errors)
    if ReviewFlag.objects.filter(review=review, raised_by=by).exists():
        raise ValidationError(_("You have already flagged this review; a facilitator will look at it."))
    activity = review.submission.activity
    facilitators = list(activity.circle.memberships.facilitators().people())
    quotas_require([
        Quota(rate_limits.REVIEW_FLAGS_SENT, by.pk, rate_limits.TOO_MANY_FLAGS),
        *(
            Quota(rate_limits.REVIEW_FLAGS_RECEIVED, person.pk, rate_limits.FLAG_READERS_FLOODED)
            for person in facilitators
        ),
    ])  # fmt: skip
    flag = ReviewFlag.objects.create(
        review=review,
        activity=activity,
        raised_by=by,
        reason=reason,
        explanation=explanation.strip(),
        raised_at=now or timezone.now(),
    )
    notifications_send_many(
        recipients=facilitators,
        kind=notification_kinds.FLAG_RAISED,
        title=_("A review was flagged in %(circle)s") % {"circle": activity.circle.name},
        body=_("“%(activity)s”: %(reason)s.") % {"activity": activity.title, "reason": flag.get_reason_display()},
        url=moderation_url(activity.circle),
        dedupe_key=f"review.flag_raised:{flag.pk}",
    )
    return flag
