"""Who may do what in a circle's discussion: the one place views, services and templates ask.

Built on ``cohorts.permissions.CircleAccess``. The discussion is for active members only; everyone
else (visitors, people waiting or invited, members of other circles) is told nothing exists. Facilitators
moderate: hide, lock, pin, move, and see hidden posts. A member may edit their own post within the
grace period and delete it at any time; a hidden post is seen only by its author and the facilitators.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from cohorts.models import Post, Thread
from cohorts.permissions import CircleAccess


def can_take_part(access: CircleAccess) -> bool:
    return access.is_member


def can_moderate(access: CircleAccess) -> bool:
    return access.is_facilitator


def can_post_in(access: CircleAccess, thread: Thread) -> bool:
    return access.is_member and (not thread.locked or access.is_facilitator)


def can_see_post_body(access: CircleAccess, post: Post) -> bool:
    """A hidden post's words reach only its author and the facilitators; a deleted post's reach nobody."""
    if post.is_deleted:
        return False
    if post.is_hidden:
        return access.is_facilitator or (access.user.pk is not None and post.author_id == access.user.pk)
    return True


def edit_deadline(post: Post) -> dt.datetime:
    return post.created_at + dt.timedelta(minutes=settings.DISCUSSION_EDIT_GRACE_MINUTES)


def can_edit(access: CircleAccess, post: Post, *, now: dt.datetime) -> bool:
    return (
        access.is_member
        and post.author_id == access.user.pk
        and not post.is_deleted
        and not post.is_hidden
        and not post.thread.locked
        and now <= edit_deadline(post)
    )


def can_delete(access: CircleAccess, post: Post) -> bool:
    return access.is_member and post.author_id == access.user.pk and not post.is_deleted


def can_flag(access: CircleAccess, post: Post) -> bool:
    return access.is_member and post.author_id != access.user.pk and not post.is_deleted and not post.is_hidden
