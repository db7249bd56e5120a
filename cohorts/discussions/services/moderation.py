"""Looking after a circle's discussion: facilitators hide posts, lock, pin and move; members flag."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from cohorts import audit_actions
from cohorts.models import Post, PostFlag, PostFlagReason, Thread
from p2pu.audit.services import audit_record
from p2pu.core.permissions import require
from p2pu.notifications.services import notification_send, notifications_send_many

from .. import markdown, notification_kinds, permissions
from .common import (
    FLAGGING,
    RECEIVING,
    facilitator_access,
    language_of,
    member_access,
    moderator_access,
    site_editors,
)


def _lock_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("thread__circle", "author").get(pk=post.pk)


@transaction.atomic
def post_hide(*, post: Post, by, reason: str, now: dt.datetime | None = None) -> Post:
    """A facilitator (or a site editor) hides a post from all but its author (who sees why) and the facilitators."""
    post = _lock_post(post)
    moderator_access(post.thread.circle, by)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why, so its author understands.")})
    if post.is_deleted:
        raise ValidationError(_("Its author has already deleted this post."))
    now = now or timezone.now()
    post.hidden_at, post.hidden_by, post.hidden_reason = now, by, reason[:500]
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    PostFlag.objects.filter(post=post).open().update(resolved_at=now, resolved_by=by)
    audit_record(
        actor=by,
        action=audit_actions.POST_HIDDEN,
        subject=post,
        target=post.author,
        scope=post.thread.circle,
        reason=post.hidden_reason,
    )
    author = post.author
    if author is not None and author.pk != by.pk and RECEIVING.hit(author.pk):
        with translation.override(language_of(author)):
            notification_send(
                recipient=author,
                kind=notification_kinds.POST_HIDDEN,
                title=_gettext("A facilitator hid your post in “%(thread)s”") % {"thread": post.thread.title},
                body=_gettext("The reason given: %(reason)s") % {"reason": post.hidden_reason},
                url=post.get_absolute_url(),
                actor=by,
                dedupe_key=f"discussion.post_hidden:{post.pk}:{now.isoformat()}",
            )
    return post


@transaction.atomic
def post_unhide(*, post: Post, by) -> Post:
    post = _lock_post(post)
    moderator_access(post.thread.circle, by)
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_record(
        actor=by, action=audit_actions.POST_UNHIDDEN, subject=post, target=post.author, scope=post.thread.circle
    )
    return post


@transaction.atomic
def thread_lock_set(*, thread: Thread, by, locked: bool) -> Thread:
    facilitator_access(thread.circle, by)
    Thread.objects.filter(pk=thread.pk).update(locked=locked)
    thread.locked = locked
    return thread


@transaction.atomic
def thread_pin_set(*, thread: Thread, by, pinned: bool) -> Thread:
    facilitator_access(thread.circle, by)
    Thread.objects.filter(pk=thread.pk).update(pinned=pinned)
    thread.pinned = pinned
    return thread


def _recount(thread_ids: list[int]) -> None:
    for thread_id, count, newest in (
        Thread.objects.filter(pk__in=thread_ids)
        .annotate(counted=Count("posts"), newest=Max("posts__created_at"))
        .values_list("pk", "counted", "newest")
    ):
        Thread.objects.filter(pk=thread_id).update(post_count=count, **({"last_posted_at": newest} if newest else {}))


@transaction.atomic
def post_move(*, post: Post, by, to_thread: Thread) -> Post:
    """A facilitator moves a reply that belongs elsewhere to another thread of the same circle."""
    post = _lock_post(post)
    source = post.thread
    facilitator_access(source.circle, by)
    if to_thread.circle_id != source.circle_id:
        raise ValidationError({"to_thread": _("Choose a thread of this circle.")})
    if to_thread.pk == source.pk:
        raise ValidationError({"to_thread": _("The post is already in that thread.")})
    first = source.posts.in_order().values_list("pk", flat=True).first()
    if first == post.pk:
        raise ValidationError(_("A thread's opening post stays with its thread; move the replies instead."))
    post.thread, post.moved_from = to_thread, source
    post.save(update_fields=["thread", "moved_from"])
    _recount([source.pk, to_thread.pk])
    return post


@transaction.atomic
def post_flag(*, post: Post, by, reason: str, note: str = "", now: dt.datetime | None = None) -> PostFlag:
    """A member asks for a look at a post: the facilitators hear of it, site editors if a facilitator wrote it."""
    post = _lock_post(post)
    circle = post.thread.circle
    access = member_access(circle, by)
    require(permissions.can_flag(access, post), _("You cannot flag this post."))
    if reason not in PostFlagReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if PostFlag.objects.filter(post=post, raised_by=by).exists():
        raise ValidationError(_("You have already flagged this post; it is being looked at."))
    FLAGGING.require(by.pk, _("You have flagged a lot in a short time."))
    flag = PostFlag.objects.create(
        post=post, raised_by=by, reason=reason, note=" ".join(note.split())[:500], created_at=now or timezone.now()
    )
    author_facilitates = circle.memberships.facilitators().filter(user_id=post.author_id).exists()
    if author_facilitates:
        recipients = list(site_editors().exclude(pk=post.author_id))
        url = reverse("discussion_flag_hide", kwargs={"flag_id": flag.pk})
    else:
        recipients = [person for person in circle.memberships.facilitators().people() if person.pk != by.pk]
        url = reverse("cohorts:discussions:flags", kwargs={"circle_id": circle.pk})
    recipients = [person for person in recipients if RECEIVING.hit(person.pk)]
    for language, group in _by_language(recipients).items():
        with translation.override(language):
            notifications_send_many(
                recipients=group,
                kind=notification_kinds.FLAG,
                title=_gettext("A discussion post was flagged in %(circle)s") % {"circle": circle.name},
                body=f"“{post.thread.title}”: {flag.get_reason_display()}. {markdown.excerpt(post.body, 140)}",
                url=url,
                dedupe_key=f"discussion.flag:{flag.pk}",
            )
    return flag


@transaction.atomic
def flag_resolve(*, flag: PostFlag, by, now: dt.datetime | None = None) -> PostFlag:
    """A facilitator dismisses a flag without hiding the post (hiding it resolves its flags too)."""
    circle = flag.post.thread.circle
    moderator_access(circle, by)
    PostFlag.objects.filter(post=flag.post_id).open().update(resolved_at=now or timezone.now(), resolved_by=by)
    # The flag is dismissed: the post's author keeps their standing; the flagger's request was turned down.
    audit_record(actor=by, action=audit_actions.POST_FLAG_RESOLVED, subject=flag, target=flag.raised_by, scope=circle)
    flag.refresh_from_db()
    return flag


def _by_language(people) -> dict[str, list]:
    groups: dict[str, list] = {}
    for person in people:
        groups.setdefault(language_of(person), []).append(person)
    return groups
