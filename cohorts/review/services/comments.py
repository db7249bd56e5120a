"""Inline comments: a reviewer comments on a passage of the work, people in the thread reply and flag.

Who may do what is asked of ``cohorts.review.permissions`` (the same rules the pages use), so a
forged request is refused here too. Writers are limited by ``REVIEW_COMMENT_RATE`` and flags by
``REVIEW_COMMENT_FLAG_RATE``. Nothing sent to an author names a reviewer unless the circle's reviews
are open, and nothing sent to a reviewer names an author in a double-blind circle.

A comment on a draft review is announced with the review itself (``review.received``); one added
to a submitted review, and every reply, tells the others in the thread (``review.inline_comment``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohorts import audit_actions
from cohorts.models import FlagReason, InlineComment, InlineCommentFlag, Review, ReviewAssignment, SubmissionAuthor
from cohorts.permissions import circle_access
from p2pu.audit.services import audit_record
from p2pu.core.permissions import require
from p2pu.core.rate_limits import RateLimit

from .. import notification_kinds, passages, permissions
from .common import moderation_url
from .notices import notices_send
from .reviews import review_save_draft

COMMENTING = RateLimit("review.comment", setting="REVIEW_COMMENT_RATE")
FLAGGING = RateLimit("review.comment_flag", setting="REVIEW_COMMENT_FLAG_RATE")

NOT_IN_THREAD = _("Only the reviewer, the work's authors and the circle's facilitators take part in this thread.")
MAX_BODY = 4000


def _seen(review: Review, by) -> tuple[permissions.SubmissionAccess, bool]:
    """``by``'s access to the reviewed work, and whether they may read its feedback."""
    submission = review.submission
    access = circle_access(user=by, circle=submission.activity.circle)
    seen = permissions.submission_access(access=access, submission=submission)
    own_done = seen.is_author and permissions.own_reviews_done(user=by, activity=submission.activity)
    return seen, seen.can_read_feedback(own_reviews_done=own_done)


def _body_problem(body: str) -> str:
    """What is wrong with a comment's text, or ""."""
    if not body:
        return _("Write your comment.")
    if len(body) > MAX_BODY:
        return ngettext("Keep it under %(count)d character.", "Keep it under %(count)d characters.", MAX_BODY) % {
            "count": MAX_BODY
        }
    return ""


def reviewer_number(review: Review) -> int:
    """The review's number as authors see it ("Reviewer 2"): its place among the work's submitted reviews."""
    submitted = Review.objects.filter(submission_id=review.submission_id).submitted()
    if not review.is_submitted:
        return submitted.count() + 1
    earlier = Q(submitted_at__lt=review.submitted_at) | Q(submitted_at=review.submitted_at, pk__lt=review.pk)
    return submitted.filter(earlier).count() + 1


@transaction.atomic
def inline_comment_add(
    *, assignment: ReviewAssignment, by, body: str, sentence: int | None = None, quote: str = "",
    near: int | None = None, now: dt.datetime | None = None,
) -> InlineComment:  # fmt: skip
    """The reviewer comments on a passage of the version under review: a numbered sentence, or the
    quoted words (near a place in the visible text), or the quoted words within that sentence.

    The first comment saves an empty draft of the review if there is none, since threads belong to it.
    """
    submission = assignment.submission
    access = circle_access(user=by, circle=submission.activity.circle)
    seen = permissions.submission_access(access=access, submission=submission)
    require(seen.assignment == assignment and permissions.can_comment_inline(seen), NOT_IN_THREAD)
    review = Review.objects.filter(assignment=assignment).select_related("version").first()
    version = permissions.version_of_review(assignment, review)
    text = version.text
    errors = {}
    body = body.strip()
    if problem := _body_problem(body):
        errors["body"] = problem
    found = passages.sentences(text)
    chosen = next((s for s in found if s.number == sentence), None) if sentence else None
    if sentence and chosen is None:
        errors["sentence"] = _("Choose one of the passages listed.")
    span = None
    if quote.strip():
        if chosen is not None:
            inside = passages.locate(text[chosen.start : chosen.end], quote)
            span = (chosen.start + inside[0], chosen.start + inside[1]) if inside else None
        else:
            span = passages.locate(text, quote, near=near)
        if span is None and "sentence" not in errors:
            errors["quote"] = _(
                "These words are not in the work (or not in the passage you chose). "
                "Copy them exactly, or leave this empty to comment on the whole passage."
            )
    elif chosen is not None:
        span = (chosen.start, chosen.end)
    elif "sentence" not in errors:
        errors["sentence"] = _("Choose the passage your comment is about, or select words in the work.")
    if errors:
        raise ValidationError(errors)
    COMMENTING.require(by.pk, _("You have written many comments in a short time."))
    now = now or timezone.now()
    if review is None:
        review = review_save_draft(assignment=assignment, by=by, overall_comment="", scores={}, now=now)
    comment = InlineComment.objects.create(
        review=review,
        version=version,
        written_by=by,
        quote=text[span[0] : span[1]][:2000],
        start=span[0],
        end=span[1],
        body=body,
        created_at=now,
    )
    if review.is_submitted and not review.is_hidden:
        _tell_thread(comment, review=review)
    return comment


@transaction.atomic
def inline_reply_add(*, thread: InlineComment, by, body: str, now: dt.datetime | None = None) -> InlineComment:
    """A reply in a thread, by its reviewer, the work's authors or a facilitator."""
    require(thread.is_thread, NOT_IN_THREAD)
    # Fresh from the database: whether the review is submitted or hidden decides who sees the thread.
    review = Review.objects.select_related("submission__activity__circle", "assignment").get(pk=thread.review_id)
    seen, readable = _seen(review, by)
    require(permissions.can_reply_in_thread(seen, review, can_read_feedback=readable), NOT_IN_THREAD)
    body = body.strip()
    if problem := _body_problem(body):
        raise ValidationError({"body": problem})
    COMMENTING.require(by.pk, _("You have written many comments in a short time."))
    reply = InlineComment.objects.create(
        review=review, version=thread.version, parent=thread, written_by=by, body=body, created_at=now or timezone.now()
    )
    if review.is_submitted and not review.is_hidden:
        _tell_thread(reply, review=review)
    return reply


def _tell_thread(comment: InlineComment, *, review: Review) -> int:
    """Tell the others in the thread, each under the name they may see for the writer."""
    submission = review.submission
    activity = submission.activity
    circle = activity.circle
    writer = comment.written_by
    thread_id = comment.parent_id or comment.pk
    author_ids = set(SubmissionAuthor.objects.filter(submission=submission).values_list("user_id", flat=True))
    others_in_thread = set(InlineComment.objects.filter(pk=thread_id).values_list("written_by_id", flat=True)) | set(
        InlineComment.objects.filter(parent_id=thread_id).values_list("written_by_id", flat=True)
    )
    wanted = (author_ids | {review.reviewer_id} | others_in_thread) - {writer.pk}
    people = {
        membership.user_id: membership.user
        for membership in circle.memberships.active().filter(user_id__in=wanted).select_related("user")
    }
    facilitator_ids = set(circle.memberships.facilitators().values_list("user_id", flat=True))
    writer_is_author = writer.pk in author_ids
    writer_is_reviewer = writer.pk == review.reviewer_id
    # The stricter of the circle's setting and the promise the review was begun under.
    names_reviewer = permissions.review_names_reviewer(review, circle)
    names_authors = permissions.review_names_author(review, circle)
    number = reviewer_number(review)

    def shown_name(recipient_id: int) -> tuple[str, object]:
        """The writer's name as this recipient may see it, and the actor to record (None keeps them hidden)."""
        # An author never learns who reviewed their work, not even one who also facilitates the circle.
        if writer_is_reviewer and recipient_id in author_ids and not names_reviewer:
            return _gettext("Reviewer %(number)d") % {"number": number}, None
        if recipient_id in facilitator_ids or not (writer_is_author or writer_is_reviewer):
            return writer.get_display_name(), writer
        if writer_is_author and recipient_id not in author_ids and not names_authors:
            return _gettext("The author"), None
        return writer.get_display_name(), writer

    groups: dict[tuple[str, bool], list] = {}
    for person_id, person in people.items():
        name, actor = shown_name(person_id)
        sees_submission_page = person_id in author_ids or person_id in facilitator_ids
        groups.setdefault((name, actor is not None, sees_submission_page), []).append(person)
    sent = 0
    for (name, named, sees_submission_page), recipients in groups.items():
        link = submission.get_absolute_url() if sees_submission_page else review.assignment.get_absolute_url()
        sent += notices_send(
            recipients=recipients,
            kind=notification_kinds.INLINE_COMMENT,
            title=lambda name=name: (
                (
                    _gettext("%(name)s replied about a passage of “%(activity)s”")
                    if comment.parent_id
                    else _gettext("%(name)s commented on a passage of “%(activity)s”")
                )
                % {"name": name, "activity": activity.title}
            ),
            body=lambda: (
                _gettext("On “%(quote)s”: %(excerpt)s")
                % {"quote": _short(comment.quote or comment.parent.quote), "excerpt": _short(comment.body, 200)}
            ),
            url=f"{link}#{comment.anchor}",
            actor=writer if named else None,
            dedupe_key=f"review.inline_comment:{comment.pk}",
        )
    return sent


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@transaction.atomic
def inline_comment_flag(
    *, comment: InlineComment, by, reason: str, explanation: str, now: dt.datetime | None = None
) -> InlineCommentFlag:
    """Someone in the thread reports a comment or reply as inappropriate; the facilitators are told."""
    review = Review.objects.select_related("submission__activity__circle").get(pk=comment.review_id)
    comment.review = review
    seen, readable = _seen(review, by)
    require(permissions.can_flag_comment(seen, comment, can_read_feedback=readable), NOT_IN_THREAD)
    errors = {}
    if reason not in FlagReason.values:
        errors["reason"] = _("Choose a reason.")
    if not explanation.strip():
        errors["explanation"] = _("Say what is wrong with the comment, so a facilitator can act on it.")
    if errors:
        raise ValidationError(errors)
    if InlineCommentFlag.objects.filter(comment=comment, raised_by=by).exists():
        raise ValidationError(_("You have already flagged this comment; a facilitator will look at it."))
    FLAGGING.require(by.pk, _("You have flagged many comments in a short time."))
    flag = InlineCommentFlag.objects.create(
        comment=comment, raised_by=by, reason=reason, explanation=explanation.strip(), raised_at=now or timezone.now()
    )
    circle = review.submission.activity.circle
    notices_send(
        recipients=circle.memberships.facilitators().people(),
        kind=notification_kinds.FLAG_RAISED,
        title=lambda: _gettext("A comment on a passage was flagged in %(circle)s") % {"circle": circle.name},
        body=lambda: str(flag.get_reason_display()),
        url=moderation_url(circle),
        dedupe_key=f"review.inline_flag_raised:{flag.pk}",
    )
    return flag


@transaction.atomic
def inline_flag_resolve(
    *, flag: InlineCommentFlag, by, hide_comment: bool, note: str = "", now: dt.datetime | None = None
) -> InlineComment:
    """A facilitator deals with a flagged comment: hide it (its writer and the thread see that it was
    hidden) or keep it, with a note the flagger reads. Every open flag on it is resolved alike."""
    now = now or timezone.now()
    comment = flag.comment
    circle = comment.review.submission.activity.circle
    require(circle_access(user=by, circle=circle).is_facilitator, _("Only this circle's facilitators can do that."))
    flags = InlineCommentFlag.objects.select_for_update().filter(comment=comment).unresolved()
    if not flags.exists():
        raise ValidationError(_("This flag has already been dealt with."))
    if hide_comment and not comment.is_hidden:
        comment.hidden_at, comment.hidden_by = now, by
        comment.save(update_fields=["hidden_at", "hidden_by"])
        audit_record(
            actor=by,
            action=audit_actions.INLINE_COMMENT_HIDDEN,
            subject=comment,
            target=comment.written_by,
            scope=circle,
            reason=note.strip(),
        )
    flags.update(resolved_at=now, resolved_by=by, comment_hidden=hide_comment or comment.is_hidden, note=note.strip())
    return comment
