"""Pages of a circle's discussion. Every one answers 404 to anyone but an active member of the circle,
so a discussion's existence, its threads and its attachments are told to nobody else."""

from .moderation import flag_dismiss, flags, post_hide, post_move, post_unhide, thread_moderate
from .posts import post_delete, post_edit, post_flag, thread_mute, thread_mute_by_link
from .threads import (
    attachment,
    block_thread,
    discussion_index,
    meeting_thread,
    post_link,
    post_reply,
    thread_detail,
)

__all__ = [
    "attachment",
    "block_thread",
    "discussion_index",
    "flag_dismiss",
    "flags",
    "meeting_thread",
    "post_delete",
    "post_edit",
    "post_flag",
    "post_hide",
    "post_link",
    "post_move",
    "post_reply",
    "post_unhide",
    "thread_detail",
    "thread_moderate",
    "thread_mute",
    "thread_mute_by_link",
]
