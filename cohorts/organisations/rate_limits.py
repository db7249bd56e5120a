"""The limits on what organisations send to other people: invitations and requests to join (the settings hold
the numbers)."""

from django.utils.translation import gettext_lazy as _

from p2pu.core.rate_limits import RateLimit

INVITES_SENT = RateLimit("organisation.invite.sent", setting="ORGANISATION_INVITE_SEND_RATE")
#: Counted per e-mail address: the invitation goes to an address, which may have no account.
INVITES_RECEIVED = RateLimit("organisation.invite.received", setting="ORGANISATION_INVITE_RECEIVE_RATE")
JOIN_REQUESTS_SENT = RateLimit("organisation.join_request.sent", setting="ORGANISATION_JOIN_REQUEST_SEND_RATE")
#: Counted per organisation: every request reaches all its organisers.
JOIN_REQUESTS_RECEIVED = RateLimit(
    "organisation.join_request.received", setting="ORGANISATION_JOIN_REQUEST_RECEIVE_RATE"
)

TOO_MANY_INVITES = _("You have sent many invitations in a short time.")
ADDRESS_FLOODED = _("%(email)s has received many invitations in a short time.")
TOO_MANY_REQUESTS = _("You have asked to join organisations many times in a short time.")
ORGANISERS_FLOODED = _("This organisation's organisers have received many requests in a short time.")
