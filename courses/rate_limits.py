"""The limits on what course authoring sends to other people: co-author invitations and review requests
(p2pu.core.rate_limits counts them; the settings hold the numbers)."""

from django.utils.translation import gettext_lazy as _

from p2pu.core.rate_limits import Cooldown, RateLimit

INVITES_SENT = RateLimit("course.invite.sent", setting="COURSE_INVITE_SEND_RATE")
#: Per address, whether or not it belongs to an account: invitations come from any course, and anyone can start one.
INVITES_RECEIVED = RateLimit("course.invite.received", setting="COURSE_INVITE_RECEIVE_RATE")
#: After an address declines an invitation from someone, that person waits before inviting it again.
INVITE_DECLINED = Cooldown("course.invite.declined", setting="INVITE_DECLINED_COOLDOWN")

#: Submitting a course for review tells its other maintainers; beyond these the review still starts, untold.
REVIEW_REQUESTS_SENT = RateLimit("course.review_request.sent", setting="COURSE_REVIEW_REQUEST_SEND_RATE")
REVIEW_REQUESTS_RECEIVED = RateLimit("course.review_request.received", setting="COURSE_REVIEW_REQUEST_RECEIVE_RATE")

TOO_MANY_INVITES = _("You have sent many invitations in a short time.")
ADDRESS_FLOODED = _("%(email)s has received many invitations in a short time.")
INVITE_WAS_DECLINED = _("%(email)s declined an invitation from you recently.")
