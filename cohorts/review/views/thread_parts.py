"""The inline comment threads of a page showing the work, with their forms (shared by the reviewer's page and
the work's page, and by the views that show those pages again when a form fails)."""

from __future__ import annotations

from cohorts.models import Review

from .. import passages, permissions
from ..comment_forms import InlineCommentForm, ReplyForm
from ..threads import threads_for


def conversation_context(
    *,
    seen: permissions.SubmissionAccess,
    reviews: list[Review],
    version,
    reviewer_labels: dict[int, str],
    can_read_feedback: bool,
    forms: dict | None = None,
    commenting: bool = False,
) -> dict:
    """What a page showing the work needs for its threads: the marked text, the threads with their
    reply forms, and (on the reviewer's page, ``commenting``) the form to comment on a passage."""
    forms = forms or {}
    found = threads_for(
        seen=seen,
        reviews=reviews,
        version=version,
        reviewer_labels=reviewer_labels,
        can_read_feedback=can_read_feedback,
    )
    for thread in found.threads:
        if thread.can_reply:
            thread.reply_form = forms.get(thread.pk) or ReplyForm(prefix=f"reply-{thread.pk}")
    context = {"threads": found.threads, "marked_text": found.marked_text}
    if commenting and version is not None and version.text and permissions.can_comment_inline(seen):
        context["comment_form"] = forms.get("comment") or InlineCommentForm(sentences=passages.sentences(version.text))
    return context
