"""Every write in a circle's discussion, keyword arguments only: ``from cohorts.discussions import services``."""

from .moderation import flag_resolve, post_flag, post_hide, post_move, post_unhide, thread_lock_set, thread_pin_set
from .notifying import post_notifications_send
from .posting import (
    anchored_post_create,
    meeting_thread_title,
    post_create,
    post_delete,
    post_edit,
    thread_create,
    thread_mute_set,
    thread_mute_token_make,
    thread_mute_token_read,
    thread_read_mark,
)

__all__ = [
    "anchored_post_create",
    "flag_resolve",
    "meeting_thread_title",
    "post_create",
    "post_delete",
    "post_edit",
    "post_flag",
    "post_hide",
    "post_move",
    "post_notifications_send",
    "post_unhide",
    "thread_create",
    "thread_lock_set",
    "thread_mute_set",
    "thread_mute_token_make",
    "thread_mute_token_read",
    "thread_pin_set",
    "thread_read_mark",
]
