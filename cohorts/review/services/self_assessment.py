"""An author scores their own submitted work on the rubric, before reading their reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import SelfAssessment, Submission, SubmissionAuthor
from cohorts.permissions import circle_access
from p2pu.core.permissions import require

from .. import permissions
from .calibration import rubric_scores_check


@transaction.atomic
def self_assessment_submit(
    *,
    submission: Submission,
    by,
    scores: Mapping[str, int | None],
    reflection: str = "",
    now: dt.datetime | None = None,
) -> SelfAssessment:
    """Keep ``by``'s scores of their own work: one level per criterion, given once."""
    now = now or timezone.now()
    activity = submission.activity
    access = circle_access(user=by, circle=activity.circle)
    is_author = SubmissionAuthor.objects.filter(submission=submission, user=by).exists()
    require(
        is_author and permissions.can_submit_work(access),
        _("Only the work's authors score it themselves, while the circle runs."),
    )
    if not activity.self_assessment:
        raise ValidationError(_("This activity does not ask you to score your own work."))
    if not submission.is_submitted:
        raise ValidationError(_("Submit your work first; then score it yourself."))
    cleaned = rubric_scores_check(activity.criteria, scores)
    try:
        with transaction.atomic():
            return SelfAssessment.objects.create(
                submission=submission, author=by, scores=cleaned, reflection=reflection.strip(), submitted_at=now
            )
    except IntegrityError:
        raise ValidationError(_("You have already scored your own work.")) from None
