"""Every write in the cohorts app, by job. Keyword arguments only; each service checks who is acting.

Import them from here (``from cohorts import services``; ``services.membership_join(...)``). Seats are
the contended resource (see ``seats``). Notifications go through ``p2pu.notifications.services``, whose
dedupe keys make every event reach a person once; follow-up Celery jobs are queued after commit by
task name (``p2pu.core.jobs``), so no service imports ``cohorts.tasks``.
"""

from .circles import (
    circle_cancel,
    circle_create,
    circle_message_send,
    circle_publish,
    circle_share_link_reset,
    circle_update,
    circles_advance,
)
from .feeds import calendar_feed_get, calendar_feed_reset
from .invitations import (
    INVITE_LINK_SALT,
    invitation_decline,
    invitation_send,
    invite_link_create,
    invite_link_resolve,
    invite_link_revoke,
    invite_link_token,
)
from .jobs import facilitator_digests_send, feedback_prompts_send, meeting_reminders_send
from .meetings import (
    attendance_record,
    feedback_submit,
    local_time_for,
    meeting_cancel,
    meeting_changed_notify,
    meeting_module_assign,
    meeting_move,
)
from .membership import (
    facilitator_add,
    facilitator_hand_over,
    membership_approve,
    membership_decline,
    membership_join,
    membership_leave,
    membership_remove,
)
from .pinning import circle_course_version_update, schedule_instants
from .rsvp import RSVP_LINK_SALT, RsvpLink, RsvpLinks, rsvp_check, rsvp_link_read, rsvp_set
from .seats import waitlist_promote, waitlists_promote

__all__ = [
    "INVITE_LINK_SALT",
    "RSVP_LINK_SALT",
    "RsvpLink",
    "attendance_record",
    "calendar_feed_get",
    "calendar_feed_reset",
    "circle_cancel",
    "circle_course_version_update",
    "circle_create",
    "circle_message_send",
    "circle_publish",
    "circle_share_link_reset",
    "circle_update",
    "circles_advance",
    "facilitator_add",
    "facilitator_digests_send",
    "facilitator_hand_over",
    "feedback_prompts_send",
    "feedback_submit",
    "invitation_decline",
    "invitation_send",
    "invite_link_create",
    "invite_link_resolve",
    "invite_link_revoke",
    "invite_link_token",
    "local_time_for",
    "meeting_cancel",
    "meeting_changed_notify",
    "meeting_module_assign",
    "meeting_move",
    "meeting_reminders_send",
    "membership_approve",
    "membership_decline",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "rsvp_check",
    "RsvpLinks",
    "rsvp_link_read",
    "rsvp_set",
    "schedule_instants",
    "waitlist_promote",
    "waitlists_promote",
]
