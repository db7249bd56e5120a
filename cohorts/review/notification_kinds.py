"""What peer review tells people about; registered from CohortsConfig.ready()."""

from p2pu.notifications.kinds import Kind

ASSIGNED = "review.assigned"
DUE_SOON = "review.due_soon"
RECEIVED = "review.received"
FLAG_RAISED = "review.flag_raised"
STUCK = "review.stuck"
ALLOCATED = "review.allocated"

KINDS = (
    Kind(ASSIGNED, label="You have work of others to review"),
    Kind(DUE_SOON, label="A review you hold is due soon"),
    Kind(RECEIVED, label="Your work got a review"),
    Kind(FLAG_RAISED, label="A review was flagged in a circle you facilitate"),
    Kind(STUCK, label="Work in a circle you facilitate is still waiting for reviews"),
    Kind(ALLOCATED, label="Reviews were handed out in a circle you facilitate"),
)
