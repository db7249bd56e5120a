from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "p2pu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import email_confirmed

        from p2pu.notifications import kinds

        from . import notification_kinds, signals

        kinds.register_all(notification_kinds.KINDS)
        email_confirmed.connect(signals.welcome_on_first_confirmation, dispatch_uid="accounts.welcome")
