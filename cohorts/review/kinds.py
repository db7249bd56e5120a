"""The notification kinds of peer review, registered from CohortsConfig.ready()."""

from p2pu.notifications import kinds


def register() -> None:
    kinds.register("review.assigned", label="You have work of others to review")
    kinds.register("review.due_soon", label="A review you hold is due within a day")
    kinds.register("review.received", label="Your work got a review")
    kinds.register("review.flag_raised", label="A review was flagged in a circle you facilitate")
    kinds.register("review.stuck", label="Work in a circle you facilitate is still waiting for reviews")
    kinds.register("review.allocated", label="Reviews were handed out in a circle you facilitate")
