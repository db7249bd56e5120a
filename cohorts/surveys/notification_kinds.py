"""What the end-of-circle surveys tell people about; registered from CohortsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Kind

END_SURVEY = "circle.end_survey"

KINDS = (Kind(END_SURVEY, label=_("A circle you were in has finished: tell us how it went")),)
