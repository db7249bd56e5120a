"""Final scores and appeals: a facilitator sets a work's final score with a reason; an author appeals once.

An appeal asks for one more review, from a fresh peer through the usual allocation (the least busy
learner who handed in work and does not review it yet), or, when nobody is free, from a facilitator,
who is told so. A facilitator closes it with an outcome the authors read: the score stands, or a
final score replaces it. Authors hear of final scores and outcomes, facilitators of appeals, within
``REVIEW_NOTIFY_RATE``.

Events for an audit trail: ``review.final_score_set`` (the submission, the scores, the reason, who),
``review.appeal_raised`` (the submission, who, the reason, whether a peer was asked) and
``review.appeal_resolved`` (the appeal, who, the outcome, the note, the final score if any).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohorts import audit_actions
from cohorts.models import AppealOutcome, AssignmentSource, FinalScore, Review, ScoreAppeal, Submission
from cohorts.permissions import circle_access
from p2pu.audit.services import audit_record
from p2pu.core.permissions import require

from .. import notification_kinds, permissions
from .allocation import allocate_more
from .common import activity_lock, authors_of, facilitator_access
from .notices import notices_send

MAX_REASON = 2000


def _scores_checked(submission: Submission, scores: dict[str, int | None]) -> dict[str, int]:
    """Every criterion of the activity needs one of its levels; raise the problems by field."""
    errors, checked = {}, {}
    for criterion in submission.activity.criteria:
        value = scores.get(criterion["id"])
        if value not in {level["score"] for level in criterion["levels"]}:
            errors[f"criterion_{criterion['id']}"] = _("Choose a level for “%(name)s”.") % {"name": criterion["name"]}
        else:
            checked[criterion["id"]] = value
    if errors:
        raise ValidationError(errors)
    return checked


def _text_checked(text: str, field: str, message) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > MAX_REASON:
        raise ValidationError(
            {
                field: ngettext("Keep it under %(count)d character.", "Keep it under %(count)d characters.", MAX_REASON)
                % {"count": MAX_REASON}
            }
        )
    return text


def _tell_authors(submission: Submission, *, title, body, dedupe_key: str) -> int:
    return notices_send(
        recipients=authors_of(submission),
        kind=notification_kinds.SCORE_DECIDED,
        title=title,
        body=body,
        url=submission.get_absolute_url() + "#final-score",
        dedupe_key=dedupe_key,
    )


def _final_score_create(*, submission: Submission, by, scores: dict, reason: str, now: dt.datetime) -> FinalScore:
    if not submission.is_submitted:
        raise ValidationError(_("This work has not been submitted yet."))
    return FinalScore.objects.create(
        submission=submission,
        set_by=by,
        scores=_scores_checked(submission, scores),
        reason=_text_checked(reason, "reason", _("Say why, in a sentence or two: the authors read it.")),
        created_at=now,
    )


@transaction.atomic
def _audit_score_decision(*, action: str, by, subject, submission: Submission, reason: str) -> None:
    """A facilitator's decision on a score changes its authors' standing: it goes in the audit trail."""
    author = submission.authors.select_related("user").order_by("pk").first()
    audit_record(
        actor=by,
        action=action,
        subject=subject,
        target=author.user if author else None,
        scope=submission.activity.circle,
        reason=reason,
    )


def final_score_set(
    *, submission: Submission, by, scores: dict[str, int | None], reason: str, now: dt.datetime | None = None
) -> FinalScore:
    """A facilitator sets the work's final score, criterion by criterion, with a reason the authors read."""
    facilitator_access(submission.activity.circle, by)
    final = _final_score_create(submission=submission, by=by, scores=scores, reason=reason, now=now or timezone.now())
    activity = submission.activity
    _audit_score_decision(
        action=audit_actions.FINAL_SCORE_SET, by=by, subject=final, submission=submission, reason=reason
    )
    _tell_authors(
        submission,
        title=lambda: (
            _gettext("A facilitator set the final score of your work for “%(activity)s”") % {"activity": activity.title}
        ),
        body=lambda: final.reason,
        dedupe_key=f"review.final_score:{final.pk}",
    )
    return final


@transaction.atomic
def score_appeal_raise(*, submission: Submission, by, reason: str, now: dt.datetime | None = None) -> ScoreAppeal:
    """An author appeals their work's score, once: one more review is asked for and the facilitators told."""
    now = now or timezone.now()
    activity = submission.activity
    access = circle_access(user=by, circle=activity.circle)
    seen = permissions.submission_access(access=access, submission=submission)
    own_done = seen.is_author and permissions.own_reviews_done(user=by, activity=activity)
    require(
        permissions.can_appeal(seen, can_read_feedback=seen.can_read_feedback(own_reviews_done=own_done)),
        _("Only the work's authors can appeal its score, once they can read its feedback."),
    )
    reason = _text_checked(reason, "reason", _("Say what you think the score missed."))
    activity = activity_lock(activity)
    if ScoreAppeal.objects.filter(submission=submission).exists():
        raise ValidationError(_("This work's score has already been appealed: a piece of work is appealed once."))
    if not Review.objects.filter(submission=submission).counted().exists():
        raise ValidationError(_("There is no score to appeal yet: wait for the first review."))
    appeal = ScoreAppeal.objects.create(submission=submission, raised_by=by, reason=reason, raised_at=now)
    shortfall = allocate_more(submission, activity=activity, now=now, source=AssignmentSource.APPEAL, wanted=1)
    if not shortfall:
        asked = submission.assignments.filter(source=AssignmentSource.APPEAL)
        appeal.extra_assignment = asked.latest("assigned_at", "pk")
        appeal.save(update_fields=["extra_assignment"])
    circle = activity.circle
    notices_send(
        recipients=circle.memberships.facilitators().people(),
        kind=notification_kinds.APPEAL_RAISED,
        title=lambda: _gettext("A score was appealed in %(circle)s") % {"circle": circle.name},
        body=lambda: (
            (
                _gettext("“%(activity)s”: another learner was asked for one more review.")
                if not shortfall
                else _gettext("“%(activity)s”: nobody else is free to review it; please review it yourself.")
            )
            % {"activity": activity.title}
        ),
        url=submission.get_absolute_url() + "#appeal",
        actor=by,
        dedupe_key=f"review.appeal_raised:{appeal.pk}",
    )
    return appeal


@transaction.atomic
def score_appeal_resolve(
    *,
    appeal: ScoreAppeal,
    by,
    outcome: str,
    note: str,
    scores: dict[str, int | None] | None = None,
    now: dt.datetime | None = None,
) -> ScoreAppeal:
    """A facilitator closes an appeal: the score stands, or (``changed``) a final score replaces it."""
    now = now or timezone.now()
    submission = appeal.submission
    facilitator_access(submission.activity.circle, by)
    appeal = ScoreAppeal.objects.select_for_update().get(pk=appeal.pk)
    appeal.submission = submission
    if appeal.is_resolved:
        raise ValidationError(_("This appeal is already closed."))
    if outcome not in AppealOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    note = _text_checked(note, "note", _("Say why, in a sentence or two: the authors read it."))
    if outcome == AppealOutcome.CHANGED:
        appeal.final_score = _final_score_create(
            submission=submission, by=by, scores=scores or {}, reason=note, now=now
        )
    appeal.outcome, appeal.outcome_note, appeal.resolved_at, appeal.resolved_by = outcome, note, now, by
    appeal.save(update_fields=["outcome", "outcome_note", "resolved_at", "resolved_by", "final_score"])
    _audit_score_decision(
        action=audit_actions.APPEAL_RESOLVED, by=by, subject=appeal, submission=submission, reason=note
    )
    activity = submission.activity
    _tell_authors(
        submission,
        title=lambda: (
            (
                _gettext("Your appeal on “%(activity)s”: the score was changed")
                if outcome == AppealOutcome.CHANGED
                else _gettext("Your appeal on “%(activity)s”: the score stands")
            )
            % {"activity": activity.title}
        ),
        body=lambda: note,
        dedupe_key=f"review.appeal_resolved:{appeal.pk}",
    )
    return appeal
