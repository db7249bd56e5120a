"""The cohorts app's models, split by concern; import them from here (``from cohorts.models import ...``)."""

from .choices import CURRENT_STATUSES, JOINABLE_STATES, CircleState, MeetingStatus, MembershipStatus, Role
from .circles import (
    Circle,
    CircleMessage,
    InviteLink,
    JoinPolicy,
    PinnedModule,
    ScheduleKind,
    VenueKind,
    Weekday,
)
from .discussions import *  # noqa: F403 (circle discussions; discussions.__all__ names them)
from .meetings import Attendance, CalendarFeed, Meeting, MeetingFeedback
from .membership import Membership
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
