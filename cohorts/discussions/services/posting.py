"""Writing in a circle's discussion: threads, replies, anchored threads, edits, deletions, reading, muting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import Circle, Meeting, Post, PostAttachment, Thread, ThreadMute, ThreadRead
from p2pu.core.jobs import enqueue_after_commit
from p2pu.core.permissions import require

from .. import markdown, permissions
from ..attachments import content_type_of, validate_image
from .common import POSTING, member_access, member_usernames, profile_url

MUTE_SALT = "cohorts.discussions.thread_mute"
NOTIFY_TASK = "cohorts.discussions.tasks.post_notifications_send"


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    return body


def _checked(images: Sequence) -> list:
    """The same checks as the form, so a caller that skips the form cannot attach anything else."""
    if len(images) > settings.DISCUSSION_ATTACHMENTS_PER_POST:
        raise ValidationError({"images": _("Too many images.")})
    try:
        for upload in images:
            validate_image(upload)
    except forms.ValidationError as error:
        raise ValidationError({"images": error.messages}) from None
    return list(images)


def _render(circle: Circle, body: str) -> markdown.Rendered:
    return markdown.render(body, mentionable=member_usernames(circle), profile_url=profile_url)


def _post_add(*, thread: Thread, by, body: str, images: Sequence, now: dt.datetime) -> Post:
    rendered = _render(thread.circle, body)
    post = Post.objects.create(thread=thread, author=by, body=body, body_html=rendered.html, created_at=now)
    for upload in images:
        # The form checked each image (attachments.validate_image); a service caller passes checked files.
        PostAttachment.objects.create(post=post, image=upload, content_type=content_type_of(upload), created_at=now)
    if rendered.mentions:
        post.mentioned.set(thread.circle.memberships.active().filter(user__username__in=rendered.mentions)
                           .values_list("user_id", flat=True))  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_posted_at=now)
    thread.post_count += 1
    thread.last_posted_at = now
    # Writing counts as reading: your own post is never "new" to you.
    ThreadRead.objects.update_or_create(thread=thread, user=by, defaults={"seen_at": now})
    enqueue_after_commit(NOTIFY_TASK, post.pk)
    return post


@transaction.atomic
def thread_create(
    *, circle: Circle, by, title: str, body: str, images: Sequence = (), now: dt.datetime | None = None
) -> Thread:
    """A member opens a thread; the other members hear about it (as they chose), mentioned people at once."""
    now = now or timezone.now()
    member_access(circle, by)
    title = " ".join(title.split())
    errors = {}
    if not title:
        errors["title"] = _("Give the thread a title.")
    try:
        body = _clean_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    images = _checked(images)
    # Counted last, so a refused post (empty, a bad image) does not use up the allowance.
    POSTING.require(by.pk, _("You have posted a lot in a short time."))
    thread = Thread.objects.create(circle=circle, title=title, created_by=by, created_at=now, last_posted_at=now)
    _post_add(thread=thread, by=by, body=body, images=images, now=now)
    return thread


@transaction.atomic
def post_create(*, thread: Thread, by, body: str, images: Sequence = (), now: dt.datetime | None = None) -> Post:
    """A member replies; the thread's starter and anyone mentioned hear about it."""
    now = now or timezone.now()
    thread = Thread.objects.select_for_update(of=("self",)).select_related("circle").get(pk=thread.pk)
    access = member_access(thread.circle, by)
    require(permissions.can_post_in(access, thread), _("This thread is locked: it takes no new posts."))
    body = _clean_body(body)
    images = _checked(images)
    POSTING.require(by.pk, _("You have posted a lot in a short time."))
    return _post_add(thread=thread, by=by, body=body, images=images, now=now)


def meeting_thread_title(meeting: Meeting) -> str:
    return _gettext("Before and after meeting %(number)d") % {"number": meeting.number}


@transaction.atomic
def anchored_post_create(
    *, circle: Circle, by, body: str, meeting: Meeting | None = None, module=None, block_id: str = "",
    title: str = "", images: Sequence = (), now: dt.datetime | None = None,
) -> Post:  # fmt: skip
    """The first (or a later) post in a meeting's thread or a discussion block's thread, made on first use.

    Anchored threads are made by the first person who writes in them, so reading a module or a meeting
    page never writes; they are not announced as new threads (everyone knows the meeting and the module).
    """
    now = now or timezone.now()
    member_access(circle, by)
    if meeting is not None:
        require(meeting.circle_id == circle.pk, _("That meeting belongs to another circle."))
        thread, _created = Thread.objects.get_or_create(
            meeting=meeting, defaults={"circle": circle, "title": meeting_thread_title(meeting), "created_at": now}
        )
    else:
        require(bool(block_id) and module is not None, _("Say which discussion question this is about."))
        thread, _created = Thread.objects.get_or_create(
            circle=circle, module=module, block_id=block_id,
            defaults={"title": title[:200] or module.title, "created_at": now},
        )  # fmt: skip
    return post_create(thread=thread, by=by, body=body, images=images, now=now)


@transaction.atomic
def post_edit(*, post: Post, by, body: str, now: dt.datetime | None = None) -> Post:
    """The author changes their post within the grace period; it then says "edited"."""
    now = now or timezone.now()
    post = Post.objects.select_for_update(of=("self",)).select_related("thread__circle").get(pk=post.pk)
    access = member_access(post.thread.circle, by)
    require(
        permissions.can_edit(access, post, now=now),
        _("Posts can be changed by their author only, for a short while after writing them."),
    )
    body = _clean_body(body)
    if body == post.body:
        return post
    rendered = _render(post.thread.circle, body)
    post.body, post.body_html, post.edited_at = body, rendered.html, now
    post.save(update_fields=["body", "body_html", "edited_at"])
    # Someone newly mentioned in an edit hears about it once; people mentioned before are not told twice.
    added = set(
        post.thread.circle.memberships.active()
        .filter(user__username__in=rendered.mentions)
        .values_list("user_id", flat=True)
    ) - set(post.mentioned.values_list("pk", flat=True))
    if added:
        post.mentioned.add(*added)
        enqueue_after_commit(NOTIFY_TASK, post.pk)
    return post


@transaction.atomic
def post_delete(*, post: Post, by, now: dt.datetime | None = None) -> Post:
    """The author removes their words; the thread keeps a "deleted" mark in its place."""
    post = Post.objects.select_for_update(of=("self",)).select_related("thread__circle").get(pk=post.pk)
    access = member_access(post.thread.circle, by)
    require(permissions.can_delete(access, post), _("Only the author can delete a post."))
    post.deleted_at = now or timezone.now()
    post.body, post.body_html = "", ""
    post.save(update_fields=["deleted_at", "body", "body_html"])
    post.mentioned.clear()
    images = list(post.attachments.all())
    post.attachments.all().delete()
    # The files go only once the deletion is committed, so a rollback leaves nothing pointing at a missing file.
    transaction.on_commit(lambda: [image.image.delete(save=False) for image in images])
    return post


def thread_read_mark(*, thread: Thread, user, now: dt.datetime | None = None) -> dt.datetime | None:
    """Record that the person has read the thread up to now; returns when they had last read it (None: never).

    A reload within a few minutes keeps the earlier mark, so "new since your last visit" survives
    opening page 2 or coming back from writing a reply.
    """
    now = now or timezone.now()
    read = ThreadRead.objects.filter(thread=thread, user=user).first()
    if read is None:
        ThreadRead.objects.create(thread=thread, user=user, seen_at=now)
        return None
    recent = read.previous_seen_at is not None and now - read.seen_at < dt.timedelta(minutes=10)
    previous = read.previous_seen_at if recent else read.seen_at
    if read.seen_at >= thread.last_posted_at:
        # Nothing posted since the mark: it stands as it is, and most page views write nothing.
        return previous
    ThreadRead.objects.filter(pk=read.pk).update(seen_at=now, previous_seen_at=previous)
    return previous


# --- Muting a thread (the signed one-click link in its e-mails, or the button on its page) ---------


def thread_mute_token_make(*, user, thread: Thread) -> str:
    return signing.dumps({"user": user.pk, "thread": thread.pk}, salt=MUTE_SALT)


def thread_mute_token_read(*, token: str, max_age: int) -> tuple[int, int]:
    """(user id, thread id); raises signing.BadSignature (or SignatureExpired) for a bad link."""
    data = signing.loads(token, salt=MUTE_SALT, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("user"), int) or not isinstance(data.get("thread"), int):
        raise signing.BadSignature("Not a thread link.")
    return data["user"], data["thread"]


def thread_mute_set(*, thread: Thread, user, muted: bool) -> None:
    if muted:
        ThreadMute.objects.get_or_create(thread=thread, user=user)
    else:
        ThreadMute.objects.filter(thread=thread, user=user).delete()
