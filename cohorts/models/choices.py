"""The circle, membership and meeting choices every model module shares (and nothing else).

Kept apart from the models so that each model module imports them from below, never from a sibling.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CircleState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("circle state", "Draft")
    OPEN = "open", _("Open for sign-up")
    RUNNING = "running", pgettext_lazy("circle state", "Running")
    FINISHED = "finished", pgettext_lazy("circle state", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("circle state", "Cancelled")


#: States in which people may still join: a running circle takes late joiners while meetings remain.
JOINABLE_STATES = (CircleState.OPEN, CircleState.RUNNING)


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    LEARNER = "learner", _("Learner")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("membership status", "Member")
    WAITLISTED = "waitlisted", _("On the waitlist")
    PENDING = "pending", _("Waiting for approval")
    INVITED = "invited", pgettext_lazy("membership status", "Invited")
    LEFT = "left", pgettext_lazy("membership status", "Left")
    REMOVED = "removed", _("Removed by a facilitator")
    DECLINED = "declined", pgettext_lazy("membership status", "Declined")


#: Statuses of people who are, or are about to be, part of the circle: they may see an unlisted circle.
CURRENT_STATUSES = (
    MembershipStatus.ACTIVE,
    MembershipStatus.WAITLISTED,
    MembershipStatus.PENDING,
    MembershipStatus.INVITED,
)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")
