"""The cohorts app's models, split by concern; import them from here (``from cohorts.models import ...``)."""

from .circles import (
    JOINABLE_STATES,
    Circle,
    CircleMessage,
    CircleState,
    InviteLink,
    JoinPolicy,
    PinnedModule,
    ScheduleKind,
    VenueKind,
    Weekday,
)
from .discussions import *  # noqa: F403 (circle discussions; discussions.__all__ names them)
from .meetings import Attendance, CalendarFeed, Meeting, MeetingFeedback, MeetingStatus
from .membership import CURRENT_STATUSES, Membership, MembershipStatus, Role
from .review import *  # noqa: F403 (peer review; review.__all__ names them)

__all__ = [
    "CURRENT_STATUSES",
    "JOINABLE_STATES",
    "Attendance",
    "CalendarFeed",
    "Circle",
    "CircleMessage",
    "CircleState",
    "InviteLink",
    "JoinPolicy",
    "Meeting",
    "MeetingFeedback",
    "MeetingStatus",
    "Membership",
    "MembershipStatus",
    "PinnedModule",
    "Role",
    "ScheduleKind",
    "VenueKind",
    "Weekday",
]
