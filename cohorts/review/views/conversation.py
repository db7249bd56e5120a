"""Inline comments on the work: adding one to a passage, replying in a thread, flagging, and moderating flags.

A form that fails is shown again on the page it came from, with what was typed and the errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.access import circle_for_member
from cohorts.models import Circle, InlineComment, InlineCommentFlag
from p2pu.core.forms import form_submit

from .. import passages, permissions, services
from ..comment_forms import CommentFlagForm, CommentFlagResolveForm, InlineCommentForm, ReplyForm
from . import reviewing, submission
from .common import MEMBERS_ONLY, circle_for_review_facilitator, own_assignment


def _thread_of_circle(circle: Circle, comment_id: int) -> InlineComment:
    comment = get_object_or_404(
        InlineComment.objects.select_related(
            "review", "review__submission", "review__submission__activity", "review__assignment", "version"
        ),
        pk=comment_id,
        review__submission__activity__circle=circle,
    )
    comment.review.submission.activity.circle = circle
    return comment


def _seen_thread(request, circle_id: int, comment_id: int):
    """The comment, the viewer's access to its work, and whether they may read its feedback; 404 unless
    they see its thread."""
    circle, access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    comment = _thread_of_circle(circle, comment_id)
    work = comment.review.submission
    seen = permissions.submission_access(access=access, submission=work)
    own_done = seen.is_author and permissions.own_reviews_done(user=request.user, activity=work.activity)
    readable = seen.can_read_feedback(own_reviews_done=own_done)
    if not permissions.sees_threads_of(seen, comment.review, can_read_feedback=readable):
        raise Http404("No such comment")
    return comment, seen, readable


def _page_of(request, comment: InlineComment) -> str:
    """Where the viewer reads this thread: the reviewer's page for its reviewer, else the work's page."""
    if comment.review.reviewer_id == request.user.pk:
        return comment.review.assignment.get_absolute_url()
    return comment.review.submission.get_absolute_url()


@require_POST
@login_required
def inline_add(request, circle_id: int, assignment_id: int):
    circle, _access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    assignment = own_assignment(request, circle, assignment_id)
    version = assignment.submission.versions.filter(submitted_at__isnull=False).order_by("-number").first()
    form = InlineCommentForm(request.POST, sentences=passages.sentences(version.text if version else ""))
    added, comment = form_submit(
        form, lambda data: services.inline_comment_add(assignment=assignment, by=request.user, **data)
    )
    if not added:
        return reviewing.review_page(request, circle_id, assignment_id, conversation_forms={"comment": form})
    messages.success(request, _("Your comment is added beside the passage."))
    return redirect(f"{assignment.get_absolute_url()}#{comment.anchor}")


@require_POST
@login_required
def inline_reply(request, circle_id: int, comment_id: int):
    thread, _seen, _readable = _seen_thread(request, circle_id, comment_id)
    if not thread.is_thread:
        raise Http404("Replies go to a thread's first comment")
    form = ReplyForm(request.POST, prefix=f"reply-{thread.pk}")
    replied, _reply = form_submit(form, lambda data: services.inline_reply_add(thread=thread, by=request.user, **data))
    if replied:
        messages.success(request, _("Your reply is added to the thread."))
        return redirect(f"{_page_of(request, thread)}#{thread.anchor}")
    forms = {thread.pk: form}
    if thread.review.reviewer_id == request.user.pk:
        return reviewing.review_page(request, circle_id, thread.review.assignment_id, conversation_forms=forms)
    return submission.submission_page(request, circle_id, thread.review.submission_id, conversation_forms=forms)


@login_required
def inline_flag(request, circle_id: int, comment_id: int):
    comment, seen, readable = _seen_thread(request, circle_id, comment_id)
    if not permissions.can_flag_comment(seen, comment, can_read_feedback=readable):
        raise Http404("No such comment")
    form = CommentFlagForm(request.POST or None)
    if request.method == "POST":
        flagged, _flag = form_submit(
            form, lambda data: services.inline_comment_flag(comment=comment, by=request.user, **data)
        )
        if flagged:
            messages.success(request, _("The facilitators will look at this comment. Thank you for telling them."))
            return redirect(f"{_page_of(request, comment)}#{comment.anchor}")
    return render(
        request,
        "cohorts/review/comment_flag.html",
        {
            "circle": seen.circle,
            "comment": comment,
            "form": form,
            "back": f"{_page_of(request, comment)}#{comment.anchor}",
        },
    )


def inline_flags_for(circle: Circle, forms: dict | None = None) -> tuple[list, list]:
    """The circle's flags on inline comments for the moderation queue: open ones with their forms, and the
    most recent resolved ones (two queries)."""
    flags = (
        InlineCommentFlag.objects.filter(comment__review__submission__activity__circle=circle)
        .select_related("comment", "comment__written_by", "comment__review__submission__activity", "raised_by")
        .order_by("resolved_at", "-raised_at", "pk")
    )
    open_flags, resolved = [], []
    for flag in flags:
        if flag.is_resolved:
            resolved.append(flag)
        else:
            flag.form = (forms or {}).get(flag.pk) or CommentFlagResolveForm(prefix=f"comment-flag-{flag.pk}")
            open_flags.append(flag)
    return open_flags, resolved


@require_POST
@login_required
def inline_flag_resolve(request, circle_id: int, flag_id: int):
    circle, _access = circle_for_review_facilitator(request, circle_id)
    flag = get_object_or_404(
        InlineCommentFlag.objects.select_related("comment__review__submission__activity", "comment__written_by"),
        pk=flag_id,
        comment__review__submission__activity__circle=circle,
    )
    flag.comment.review.submission.activity.circle = circle
    form = CommentFlagResolveForm(request.POST, prefix=f"comment-flag-{flag.pk}")
    resolved, _comment = form_submit(
        form, lambda data: services.inline_flag_resolve(flag=flag, by=request.user, **data)
    )
    if resolved:
        messages.success(request, _("The flag is dealt with."))
        return redirect("cohorts:review:comment_flags", circle_id=circle.pk)
    return comment_flags(request, circle_id, forms={flag.pk: form})


@login_required
def comment_flags(request, circle_id: int, *, forms=None):
    """The facilitators' queue of flagged inline comments."""
    circle, access = circle_for_review_facilitator(request, circle_id)
    open_flags, resolved = inline_flags_for(circle, forms)
    return render(
        request,
        "cohorts/review/comment_flags.html",
        {"circle": circle, "access": access, "open_flags": open_flags, "resolved": resolved[:50]},
    )
