"""What the study circles tell people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Frequency, Kind

MEETING_REMINDER = "circle.meeting_reminder"
MEETING_CHANGED = "circle.meeting_changed"
WAITLIST_PROMOTED = "circle.waitlist_promoted"
JOIN_REQUEST = "circle.join_request"
MEMBERSHIP_CHANGED = "circle.membership_changed"
INVITED = "circle.invited"
MESSAGE = "circle.message"
CANCELLED = "circle.cancelled"
FEEDBACK_PROMPT = "circle.feedback_prompt"
FACILITATOR_DIGEST = "circle.facilitator_digest"

KINDS = (
    Kind(MEETING_REMINDER, label=_("A circle meeting is coming up (a day and an hour before)")),
    Kind(MEETING_CHANGED, label=_("A circle meeting was moved or cancelled")),
    Kind(WAITLIST_PROMOTED, label=_("A seat opened up for you in a circle")),
    Kind(JOIN_REQUEST, label=_("Someone asked to join a circle you facilitate")),
    Kind(MEMBERSHIP_CHANGED, label=_("Your place in a circle changed (request answered, removed, made facilitator)")),
    Kind(INVITED, label=_("You were invited to a circle")),
    Kind(MESSAGE, label=_("A facilitator wrote to your circle")),
    Kind(CANCELLED, label=_("A circle you are in was cancelled")),
    Kind(FEEDBACK_PROMPT, label=_("How was the meeting? (after each meeting)"), default=Frequency.DAILY),
    Kind(FACILITATOR_DIGEST, label=_("Weekly summary of the circles you facilitate")),
)
