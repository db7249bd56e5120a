"""What peer review tells people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Frequency, Kind

ASSIGNED = "review.assigned"
DUE_SOON = "review.due_soon"
RECEIVED = "review.received"
FLAG_RAISED = "review.flag_raised"
STUCK = "review.stuck"
ALLOCATED = "review.allocated"
INLINE_COMMENT = "review.inline_comment"
APPEAL_RAISED = "review.appeal_raised"
SCORE_DECIDED = "review.score_decided"

KINDS = (
    Kind(ASSIGNED, label=_("You have work of others to review")),
    Kind(DUE_SOON, label=_("A review you hold is due soon")),
    Kind(RECEIVED, label=_("Your work got a review")),
    Kind(FLAG_RAISED, label=_("A review was flagged in a circle you facilitate")),
    Kind(STUCK, label=_("Work in a circle you facilitate is still waiting for reviews")),
    Kind(ALLOCATED, label=_("Reviews were handed out in a circle you facilitate")),
    # Conversations about passages come in bursts, so they gather in the daily digest unless chosen otherwise.
    Kind(
        INLINE_COMMENT,
        label=_("A comment or reply on a passage of work you wrote or reviewed"),
        default=Frequency.DAILY,
    ),
    Kind(APPEAL_RAISED, label=_("A learner appealed a score in a circle you facilitate")),
    Kind(SCORE_DECIDED, label=_("A facilitator set the final score of your work or answered your appeal")),
)
