"""What the study circles record in the audit trail; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.audit.actions import Action

REQUEST_APPROVED = "circle.request_approved"
REQUEST_DECLINED = "circle.request_declined"
MEMBER_REMOVED = "circle.member_removed"
FACILITATOR_ADDED = "circle.facilitator_added"
HANDED_OVER = "circle.handed_over"
INVITED = "circle.invited"
WAITLIST_PROMOTED = "circle.waitlist_promoted"
CANCELLED = "circle.cancelled"
EDITED_BY_SITE_EDITOR = "circle.edited_by_site_editor"
REVIEW_FLAG_RESOLVED = "review.flag_resolved"
REVIEW_HIDDEN = "review.hidden"
FINAL_SCORE_SET = "review.final_score_set"
APPEAL_RESOLVED = "review.appeal_resolved"
INLINE_COMMENT_HIDDEN = "review.inline_comment_hidden"
POST_HIDDEN = "discussion.post_hidden"
POST_UNHIDDEN = "discussion.post_unhidden"
POST_FLAG_RESOLVED = "discussion.flag_resolved"
COURSE_RATING_HIDDEN = "course_rating.hidden"
COURSE_RATING_UNHIDDEN = "course_rating.unhidden"
COURSE_RATING_FLAG_DISMISSED = "course_rating.flag_dismissed"

ACTIONS = (
    Action(REQUEST_APPROVED, label=_("Approved a request to join")),
    Action(REQUEST_DECLINED, label=_("Declined a request to join")),
    Action(MEMBER_REMOVED, label=_("Removed a member")),
    Action(FACILITATOR_ADDED, label=_("Made a member co-facilitator")),
    Action(HANDED_OVER, label=_("Handed the circle over")),
    Action(INVITED, label=_("Invited a person")),
    Action(WAITLIST_PROMOTED, label=_("Gave a waiting person a seat")),
    Action(CANCELLED, label=_("Cancelled the circle")),
    Action(EDITED_BY_SITE_EDITOR, label=_("A site editor edited the circle")),
    Action(REVIEW_FLAG_RESOLVED, label=_("Dealt with a flagged review")),
    Action(REVIEW_HIDDEN, label=_("Hid a review")),
    Action(FINAL_SCORE_SET, label=_("Set a final score")),
    Action(APPEAL_RESOLVED, label=_("Decided an appeal against a score")),
    Action(INLINE_COMMENT_HIDDEN, label=_("Hid a comment on a passage")),
    Action(POST_HIDDEN, label=_("Hid a discussion post")),
    Action(POST_UNHIDDEN, label=_("Showed a hidden discussion post again")),
    Action(POST_FLAG_RESOLVED, label=_("Dealt with a flagged discussion post")),
    Action(COURSE_RATING_HIDDEN, label=_("Hid a course review")),
    Action(COURSE_RATING_UNHIDDEN, label=_("Showed a hidden course review again")),
    Action(COURSE_RATING_FLAG_DISMISSED, label=_("Kept a flagged course review as it was")),
)
