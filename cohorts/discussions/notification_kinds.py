"""What the circles' discussions tell people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Frequency, Kind

REPLY = "discussion.reply"
MENTION = "discussion.mention"
NEW_THREAD = "discussion.new_thread"
FLAG = "discussion.flag"
POST_HIDDEN = "discussion.post_hidden"

KINDS = (
    Kind(REPLY, label=_("Someone replied in a discussion thread you started")),
    Kind(MENTION, label=_("Someone mentioned you in a circle's discussion")),
    Kind(NEW_THREAD, label=_("A new discussion thread in your circle"), default=Frequency.DAILY),
    Kind(FLAG, label=_("A discussion post you moderate was flagged")),
    Kind(POST_HIDDEN, label=_("A facilitator hid one of your discussion posts")),
)
