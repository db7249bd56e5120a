"""What the accounts app tells people about; registered from AccountsConfig.ready()."""

from p2pu.notifications.kinds import Frequency, Kind

WELCOME = "accounts.welcome"

KINDS = (
    # In-app only by default: the person has just read an e-mail from us to get here.
    Kind(WELCOME, label="Welcome to the site, after confirming your e-mail", default=Frequency.OFF),
)
