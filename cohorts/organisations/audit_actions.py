"""What organisations record in the audit trail; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.audit.actions import Action

REQUEST_APPROVED = "organisation.request_approved"
REQUEST_DECLINED = "organisation.request_declined"
ROLE_CHANGED = "organisation.role_changed"
MEMBER_REMOVED = "organisation.member_removed"
INVITED = "organisation.invited"
ORGANISER_PROMOTED_ON_ERASURE = "organisation.organiser_promoted_on_erasure"
EDITED_BY_SITE_EDITOR = "organisation.edited_by_site_editor"

ACTIONS = (
    Action(REQUEST_APPROVED, label=_("Let a person into an organisation")),
    Action(REQUEST_DECLINED, label=_("Declined a request to join an organisation")),
    Action(ROLE_CHANGED, label=_("Changed a member's role in an organisation")),
    Action(MEMBER_REMOVED, label=_("Removed a member from an organisation")),
    Action(INVITED, label=_("Invited a person to an organisation")),
    Action(
        ORGANISER_PROMOTED_ON_ERASURE,
        label=_("Made the longest-serving facilitator organiser when the last organiser deleted their account"),
    ),
    Action(EDITED_BY_SITE_EDITOR, label=_("A site editor edited the organisation")),
)
