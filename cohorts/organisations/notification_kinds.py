"""What organisations tell people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Kind

JOIN_REQUEST = "organisation.join_request"
MEMBERSHIP_CHANGED = "organisation.membership_changed"
INVITATION_ACCEPTED = "organisation.invitation_accepted"

KINDS = (
    Kind(JOIN_REQUEST, label=_("Someone asked to join an organisation you organise")),
    Kind(
        MEMBERSHIP_CHANGED,
        label=_("Your place in an organisation changed (request answered, role changed, removed)"),
    ),
    Kind(INVITATION_ACCEPTED, label=_("Someone accepted an invitation to an organisation you organise")),
)
