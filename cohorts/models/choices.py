"""The circle, membership and meeting choices every model module shares (and nothing else).

Kept apart from the models so that each model module imports them from below, never from a sibling.
"""

from django.db import models


class CircleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for sign-up"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    CANCELLED = "cancelled", "Cancelled"


#: States in which people may still join: a running circle takes late joiners while meetings remain.
JOINABLE_STATES = (CircleState.OPEN, CircleState.RUNNING)


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    LEARNER = "learner", "Learner"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Member"
    WAITLISTED = "waitlisted", "On the waitlist"
    PENDING = "pending", "Waiting for approval"
    INVITED = "invited", "Invited"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed by a facilitator"
    DECLINED = "declined", "Declined"


#: Statuses of people who are, or are about to be, part of the circle: they may see an unlisted circle.
CURRENT_STATUSES = (
    MembershipStatus.ACTIVE,
    MembershipStatus.WAITLISTED,
    MembershipStatus.PENDING,
    MembershipStatus.INVITED,
)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
