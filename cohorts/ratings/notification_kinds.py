"""What course ratings tell people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Kind

FLAG = "course_rating.flag"
REPLY = "course_rating.reply"

KINDS = (
    Kind(FLAG, label=_("A course review was flagged (for site editors)")),
    Kind(REPLY, label=_("A course's maintainers replied to your review")),
)
