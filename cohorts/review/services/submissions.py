"""Work handed in for review: drafts, co-authors, submitting (and revising), and releasing stuck work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cohorts.models import (
    AssignmentState,
    CircleActivity,
    ReviewAssignment,
    Submission,
    SubmissionAuthor,
    SubmissionState,
    SubmissionVersion,
)
from cohorts.permissions import circle_access
from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.permissions import require

from .. import permissions
from .common import facilitator_access, learner_ids, own_submission


@transaction.atomic
def submission_save_draft(
    *,
    activity: CircleActivity,
    user,
    text: str = "",
    link: str = "",
    file=None,
    change_note: str = "",
    coauthors: Iterable | None = None,
) -> Submission:
    """Save what someone is writing. Editing submitted work starts a new version (a revision).

    ``coauthors`` (other learners in the circle who have no work of their own for the activity yet)
    are chosen by whoever started the work, until it is first submitted; None leaves them as they are.
    """
    access = circle_access(user=user, circle=activity.circle)
    require(permissions.can_submit_work(access), _("Only learners in this circle can hand in work, while it runs."))
    now = timezone.now()
    submission = own_submission(activity, user)
    if submission is None:
        submission = Submission.objects.create(activity=activity, created_by=user)
        SubmissionAuthor.objects.create(submission=submission, activity=activity, user=user)
    if coauthors is not None:
        require(
            submission.created_by_id == user.pk and not submission.is_submitted,
            _("Co-authors are chosen by whoever started the work, before it is submitted."),
        )
        _coauthors_set(submission, by=user, coauthors=coauthors)
    draft = submission.versions.filter(submitted_at__isnull=True).first()
    if draft is None:
        latest = submission.versions.order_by("-number").first()
        draft = SubmissionVersion(submission=submission, number=(latest.number + 1) if latest else 1)
        if latest is not None:  # a revision keeps the file unless a new one comes
            draft.file, draft.file_name, draft.file_size = latest.file.name, latest.file_name, latest.file_size
    draft.text = text
    draft.link = link
    draft.change_note = change_note if draft.number > 1 else ""
    if file is not None:
        draft.file.save(file.name, file, save=False)
        draft.file_name, draft.file_size = file.name, file.size
    draft.updated_at = now
    draft.save()
    Submission.objects.filter(pk=submission.pk).update(updated_at=now)
    return submission


def _coauthors_set(submission: Submission, *, by, coauthors: Iterable) -> None:
    wanted = {user.pk: user for user in coauthors if user.pk != by.pk}
    activity = submission.activity
    current = set(submission.authors.values_list("user_id", flat=True))
    learners = learner_ids(activity.circle)
    taken = set(
        SubmissionAuthor.objects.filter(activity=activity)
        .exclude(submission=submission)
        .values_list("user_id", flat=True)
    )
    refused = [user for pk, user in wanted.items() if pk not in learners or pk in taken]
    if refused:
        names = ", ".join(user.get_display_name() for user in refused)
        refusal = ngettext(
            "%(names)s cannot co-author this: not a learner here, or already has work.",
            "%(names)s cannot co-author this: not a learner here, or already has work.",
            len(refused),
        )
        raise ValidationError({"coauthors": refusal % {"names": names}})
    keep = set(wanted) | {submission.created_by_id}
    submission.authors.exclude(user_id__in=keep).delete()
    SubmissionAuthor.objects.bulk_create(
        SubmissionAuthor(submission=submission, activity=activity, user_id=pk) for pk in set(wanted) - current
    )


REQUIRED_CONTENT = {
    "text": ("text", gettext_lazy("Write your work here before submitting it.")),
    "link": ("link", gettext_lazy("Add the link to your work before submitting it.")),
    "file": ("file", gettext_lazy("Upload your file before submitting it.")),
}


@transaction.atomic
def submission_submit(*, submission: Submission, by, now: dt.datetime | None = None) -> SubmissionVersion:
    """Hand in the draft: the first version enters review; a later one is a revision reviewers see."""
    now = now or timezone.now()
    activity = submission.activity
    access = circle_access(user=by, circle=activity.circle)
    require(
        permissions.can_submit_work(access) and submission.authors.filter(user=by).exists(),
        _("Only the work's authors can submit it, while the circle runs."),
    )
    draft = submission.versions.filter(submitted_at__isnull=True).first()
    if draft is None:
        raise ValidationError(_("There is no draft to submit: edit your work first."))
    field, message = REQUIRED_CONTENT.get(activity.submission_type, REQUIRED_CONTENT["text"])
    if not (draft.text.strip() if field == "text" else getattr(draft, field)):
        raise ValidationError({field: message})
    draft.submitted_at = now
    draft.save(update_fields=["submitted_at", "updated_at"])
    first = not submission.is_submitted
    if first:
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at = now
        submission.save(update_fields=["state", "submitted_at", "updated_at"])
        if activity.has_peer_review and activity.is_allocated:
            enqueue_after_commit("cohorts.review.tasks.allocate_late_submission", submission.pk)
    return draft


@transaction.atomic
def submission_release(*, submission: Submission, by, now: dt.datetime | None = None) -> Submission:
    """Close work that is stuck short of reviews: its scores stand on fewer reviews, marked so."""
    now = now or timezone.now()
    activity = submission.activity
    facilitator_access(activity.circle, by)
    if not submission.is_submitted or submission.is_released:
        raise ValidationError(_("Only submitted work that is still open can be released."))
    done = ReviewAssignment.objects.filter(submission=submission, state=AssignmentState.COMPLETED).count()
    if done >= activity.reviews_per_submission:
        raise ValidationError(_("This work already has all its reviews."))
    if now < activity.releasable_at(submission.submitted_at):
        when = timezone.localtime(activity.releasable_at(submission.submitted_at))
        raise ValidationError(
            _("Give reviewers until %(when)s before releasing it with fewer reviews.")
            % {"when": date_format(when, "d M Y, H:i")}
        )
    submission.released_at, submission.released_by = now, by
    submission.save(update_fields=["released_at", "released_by", "updated_at"])
    return submission
