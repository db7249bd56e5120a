"""The limits on what circles send to other people: invitations, join requests, messages, review flags and
news of changed meetings (p2pu.core.rate_limits counts them; the settings hold the numbers)."""

from django.utils.translation import gettext_lazy as _

from p2pu.core.rate_limits import Cooldown, RateLimit

INVITES_SENT = RateLimit("circle.invite.sent", setting="CIRCLE_INVITE_SEND_RATE")
INVITES_RECEIVED = RateLimit("circle.invite.received", setting="CIRCLE_INVITE_RECEIVE_RATE")
#: After someone declines an invitation to a circle, its facilitators wait before inviting them again.
INVITE_DECLINED = Cooldown("circle.invite.declined", setting="INVITE_DECLINED_COOLDOWN")

JOIN_REQUESTS_SENT = RateLimit("circle.join_request.sent", setting="JOIN_REQUEST_SEND_RATE")
#: One person asking one circle again and again (ask, withdraw, ask).
JOIN_REQUESTS_TO_CIRCLE = RateLimit("circle.join_request.circle", setting="JOIN_REQUEST_CIRCLE_RATE")
JOIN_REQUESTS_RECEIVED = RateLimit("circle.join_request.received", setting="JOIN_REQUEST_RECEIVE_RATE")

MESSAGES_SENT = RateLimit("circle.message.sent", setting="CIRCLE_MESSAGE_SEND_RATE")
#: A message goes to every member, so the members' allowance is counted per circle.
MESSAGES_TO_CIRCLE = RateLimit("circle.message.circle", setting="CIRCLE_MESSAGE_CIRCLE_RATE")
#: News of a changed schedule or meeting, per circle: beyond it the change is made but members are not told again.
CHANGES_TOLD = RateLimit("circle.changes.told", setting="CIRCLE_CHANGE_NOTIFY_RATE")

REVIEW_FLAGS_SENT = RateLimit("review.flag.sent", setting="REVIEW_FLAG_SEND_RATE")
REVIEW_FLAGS_RECEIVED = RateLimit("review.flag.received", setting="REVIEW_FLAG_RECEIVE_RATE")

#: Flags on course reviews per person; notifications about course reviews (flags, replies) per recipient;
#: replies to reviews per maintainer.
COURSE_RATING_FLAGS_SENT = RateLimit("course_rating.flag.sent", setting="COURSE_RATING_FLAG_SEND_RATE")
COURSE_RATING_NOTICES_RECEIVED = RateLimit("course_rating.notice.received", setting="COURSE_RATING_NOTIFY_RATE")
COURSE_RATING_REPLIES_SENT = RateLimit("course_rating.reply.sent", setting="COURSE_RATING_REPLY_RATE")

TOO_MANY_INVITES = _("You have sent many invitations in a short time.")
INVITEE_FLOODED = _("%(name)s has received many invitations in a short time.")
INVITE_WAS_DECLINED = _("%(name)s declined an invitation to this circle recently.")
TOO_MANY_REQUESTS = _("You have asked to join circles many times in a short time.")
TOO_MANY_REQUESTS_HERE = _("You have asked to join this circle several times in a short time.")
FACILITATORS_FLOODED = _("This circle's facilitators have received many requests in a short time.")
TOO_MANY_MESSAGES = _("You have sent many messages in a short time.")
CIRCLE_FLOODED = _("This circle's members have received many messages in a short time.")
TOO_MANY_FLAGS = _("You have flagged many reviews in a short time.")
TOO_MANY_COURSE_REVIEW_FLAGS = _("You have flagged many course reviews in a short time.")
TOO_MANY_COURSE_REVIEW_REPLIES = _("You have replied to many reviews in a short time.")
FLAG_READERS_FLOODED = _("This circle's facilitators have received many flags in a short time.")
