"""Reading inline comment threads: which a viewer sees, under which names, and the text with passages marked.

The pages of the work (its authors' and facilitators' page, and the reviewer's page) call
``threads_for`` once: two queries (comments with writers, and their flags) whatever the number of
threads, replies or flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _gettext

from cohorts.models import InlineComment, Review, SubmissionVersion

from . import passages, permissions


@dataclass
class Threads:
    #: Thread-starting comments, each with ``replies``, ``number``, ``shown_name`` and what the viewer may do.
    threads: list[InlineComment] = field(default_factory=list)
    #: The shown version's text as HTML with the passages of its threads marked; None without text.
    marked_text: SafeString | None = None


def threads_for(
    *,
    seen: permissions.SubmissionAccess,
    reviews: list[Review],
    version: SubmissionVersion | None,
    reviewer_labels: dict[int, str],
    can_read_feedback: bool,
) -> Threads:
    """The threads ``seen``'s viewer may read on ``reviews``, numbered in the order of their passages."""
    readable = [
        review for review in reviews if permissions.sees_threads_of(seen, review, can_read_feedback=can_read_feedback)
    ]
    by_review = {review.pk: review for review in readable}
    comments = list(
        InlineComment.objects.filter(review__in=readable)
        .select_related("written_by", "version")
        .prefetch_related("flags")
        .order_by("created_at", "pk")
    )
    author_ids = {author.user_id for author in seen.submission.authors.all()}
    viewer = seen.access.user
    threads: dict[int, InlineComment] = {}
    for comment in comments:
        comment.review = by_review[comment.review_id]
        comment.shown_name = _shown_name(comment, seen=seen, author_ids=author_ids, reviewer_labels=reviewer_labels)
        comment.shows_body = not comment.is_hidden or seen.is_facilitator
        comment.my_flag = next((f for f in comment.flags.all() if f.raised_by_id == viewer.pk), None)
        comment.can_flag = comment.my_flag is None and permissions.can_flag_comment(
            seen, comment, can_read_feedback=can_read_feedback
        )
        if comment.parent_id is None:
            comment.thread_replies = []
            comment.can_reply = permissions.can_reply_in_thread(
                seen, comment.review, can_read_feedback=can_read_feedback
            )
            threads[comment.pk] = comment
        elif comment.parent_id in threads:
            threads[comment.parent_id].thread_replies.append(comment)
    ordered = sorted(threads.values(), key=lambda t: (version is None or t.version_id != version.pk, t.start, t.pk))
    for number, thread in enumerate(ordered, start=1):
        thread.number = number
        thread.on_shown_version = version is not None and thread.version_id == version.pk
    marked = None
    if version is not None and version.text:
        spans = [
            passages.Span(
                start=thread.start,
                end=thread.end,
                anchor=thread.anchor,
                label=str(thread.number),
                description=_gettext("Comment %(number)d, by %(name)s")
                % {"number": thread.number, "name": thread.shown_name},
            )
            for thread in ordered
            if thread.on_shown_version and thread.shows_body
        ]
        marked = mark_safe(passages.highlight(version.text, spans))  # noqa: S308 (built from escaped Markdown output)
    return Threads(threads=ordered, marked_text=marked)


def _shown_name(comment: InlineComment, *, seen, author_ids: set[int], reviewer_labels: dict[int, str]) -> str:
    """Who wrote it, as this viewer may know them."""
    writer_id = comment.written_by_id
    if writer_id == seen.access.user.pk:
        return _gettext("You")
    if writer_id == comment.review.reviewer_id:
        return reviewer_labels.get(comment.review_id) or _gettext("The reviewer")
    if writer_id in author_ids:
        # ``sees_authors`` holds the stricter of the circle's setting and the viewer's own review's promise.
        return comment.written_by.get_display_name() if seen.sees_authors else _gettext("The author")
    return _gettext("%(name)s (facilitator)") % {"name": comment.written_by.get_display_name()}
