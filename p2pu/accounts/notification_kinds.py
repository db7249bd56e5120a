"""What the accounts app tells people about; registered from AccountsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from p2pu.notifications.kinds import Frequency, Kind

WELCOME = "accounts.welcome"
DATA_EXPORT_READY = "accounts.data_export_ready"

KINDS = (
    # In-app only by default: the person has just read an e-mail from us to get here.
    Kind(WELCOME, label=_("Welcome to the site, after confirming your e-mail"), default=Frequency.OFF),
    Kind(DATA_EXPORT_READY, label=_("Your data download is ready")),
)
