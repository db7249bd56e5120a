"""Every write in peer review. Keyword arguments only; each service checks who is acting.

One module per job: ``configuration`` (a circle's and an activity's review settings),
``submissions`` (drafts, submitting, releasing), ``allocation`` (handing reviews out at the
deadline, for late work, to a facilitator), ``rolling`` (leases on request), ``reviews`` (writing
one), ``feedback`` (an author rates or flags it), ``moderation`` (facilitators resolve flags),
``comments`` (inline comments on passages, their replies and flags), ``appeals`` (final scores
and appeals), ``self_assessment`` (an author scores their own work), ``calibration`` (examples with
reference scores, and learners' practice on them) and ``alerts`` (scheduled reminders).
``assignments`` and ``common`` hold what they share; ``notices`` sends what comments and appeals tell people.

Notifications go through ``p2pu.notifications.services`` with dedupe keys, so every event reaches
a person once. Nothing sent to an author names a reviewer unless the circle's reviews are open.
Follow-up work is queued by task name (``p2pu.core.jobs``), so no service imports the tasks.
"""

from .alerts import review_reminders_send, submissions_stuck_alert
from .allocation import (
    review_facilitator_take,
    review_late_allocate,
    reviews_allocate_at_deadline,
    reviews_allocate_due,
)
from .appeals import final_score_set, score_appeal_raise, score_appeal_resolve
from .calibration import calibration_attempt_submit, calibration_example_save
from .comments import inline_comment_add, inline_comment_flag, inline_flag_resolve, inline_reply_add
from .configuration import circle_activity_ensure, circle_activity_update, circle_review_settings_update
from .feedback import review_flag, review_rate
from .moderation import flag_resolve
from .reviews import review_save_draft, review_submit
from .rolling import review_leases_expire, review_request_next
from .self_assessment import self_assessment_submit
from .submissions import submission_release, submission_save_draft, submission_submit

__all__ = [
    "calibration_attempt_submit",
    "calibration_example_save",
    "circle_activity_ensure",
    "circle_activity_update",
    "circle_review_settings_update",
    "final_score_set",
    "flag_resolve",
    "inline_comment_add",
    "inline_comment_flag",
    "inline_flag_resolve",
    "inline_reply_add",
    "review_facilitator_take",
    "review_flag",
    "review_late_allocate",
    "review_leases_expire",
    "review_rate",
    "review_reminders_send",
    "review_request_next",
    "review_save_draft",
    "review_submit",
    "reviews_allocate_at_deadline",
    "reviews_allocate_due",
    "self_assessment_submit",
    "score_appeal_raise",
    "score_appeal_resolve",
    "submission_release",
    "submission_save_draft",
    "submission_submit",
    "submissions_stuck_alert",
]
