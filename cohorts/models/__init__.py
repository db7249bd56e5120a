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
from .meetings import Attendance, CalendarFeed, Meeting, MeetingFeedback, MeetingRsvp, RsvpAnswer
from .membership import Membership
from .organisations import (
    INVITATION_LIFETIME,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationMembershipStatus,
    OrganisationRole,
)
from .review import *  # noqa: F403 (peer review; review.__all__ names them)
from .surveys import CourseRating, CourseRatingFlag, FacilitatorSurvey, GoalMet, LearnerSurvey

__all__ = [
    "OrganisationRole",
    "OrganisationMembershipStatus",
    "OrganisationMembership",
    "OrganisationInvitation",
    "Organisation",
    "RsvpAnswer",
    "MeetingRsvp",
    "LearnerSurvey",
    "GoalMet",
    "FacilitatorSurvey",
    "CourseRatingFlag",
    "CourseRating",
    "CURRENT_STATUSES",
    "INVITATION_LIFETIME",
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
