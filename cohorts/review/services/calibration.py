"""Calibration: facilitators give example work with reference scores; learners score the examples
before their real reviews, once each, and then see the reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import CalibrationAttempt, CalibrationExample, CircleActivity
from cohorts.models.review.practice import MAX_CALIBRATION_EXAMPLES
from cohorts.permissions import circle_access
from p2pu.core.permissions import require

from .. import permissions
from ..practice import calibration_in_use
from .common import activity_lock, facilitator_access


def rubric_scores_check(criteria: list[dict], scores: Mapping[str, int | None]) -> dict[str, int]:
    """``scores`` with a valid level for every criterion, else ValidationError naming the fields."""
    errors = {}
    cleaned = {}
    for criterion in criteria:
        score = scores.get(criterion["id"])
        if score is None:
            errors[f"criterion_{criterion['id']}_score"] = _("Choose a level for “%(name)s”.") % {
                "name": criterion["name"]
            }
        elif score not in {level["score"] for level in criterion["levels"]}:
            errors[f"criterion_{criterion['id']}_score"] = _("Choose one of the rubric's levels.")
        else:
            cleaned[criterion["id"]] = score
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def calibration_example_save(
    *,
    activity: CircleActivity,
    by,
    title: str,
    text: str,
    scores: Mapping[str, tuple[int | None, str]],
    overall_comment: str = "",
    example: CalibrationExample | None = None,
    now: dt.datetime | None = None,
) -> CalibrationExample:
    """Add an example (at most three per activity), or change one nobody has scored yet.

    ``scores`` maps criterion id to (reference level, comment).
    """
    now = now or timezone.now()
    facilitator_access(activity.circle, by)
    activity = activity_lock(activity)
    if example is None and activity.calibration_examples.count() >= MAX_CALIBRATION_EXAMPLES:
        raise ValidationError(
            ngettext(
                "An activity has at most %(count)d example; change it instead.",
                "An activity has at most %(count)d examples; change one of them instead.",
                MAX_CALIBRATION_EXAMPLES,
            )
            % {"count": MAX_CALIBRATION_EXAMPLES}
        )
    if example is not None:
        if example.activity_id != activity.pk:
            raise ValidationError(_("This example belongs to another activity."))
        if example.attempts.exists():
            raise ValidationError(
                _("Learners have already scored this example against your scores, so it can no longer change.")
            )
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the example a title.")
    if not text.strip():
        errors["text"] = _("Paste or write the example work.")
    try:
        reference = rubric_scores_check(activity.criteria, {cid: level for cid, (level, _c) in scores.items()})
    except ValidationError as error:
        errors.update(error.message_dict)
        reference = {}
    if errors:
        raise ValidationError(errors)
    example = example or CalibrationExample(activity=activity, created_by=by, created_at=now)
    example.title = title.strip()
    example.text = text
    example.reference_scores = reference
    example.reference_comments = {cid: comment.strip() for cid, (_level, comment) in scores.items() if comment.strip()}
    example.overall_comment = overall_comment.strip()
    example.updated_at = now
    example.save()
    return example


def calibration_attempt_submit(
    *, example: CalibrationExample, by, scores: Mapping[str, int | None], now: dt.datetime | None = None
) -> CalibrationAttempt:
    """A learner's scores of an example, given once: the reference shows only afterwards."""
    now = now or timezone.now()
    activity = example.activity
    access = circle_access(user=by, circle=activity.circle)
    require(
        permissions.is_learner(access) and permissions.can_review(access),
        _("Only learners in this circle practise on the examples, while it runs."),
    )
    if not calibration_in_use(activity):
        raise ValidationError(_("This activity has no calibration examples to score."))
    cleaned = rubric_scores_check(activity.criteria, scores)
    try:
        with transaction.atomic():
            return CalibrationAttempt.objects.create(example=example, reviewer=by, scores=cleaned, submitted_at=now)
    except IntegrityError:
        raise ValidationError(_("You have already scored this example.")) from None
