from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "p2pu.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import email_confirmed

        from p2pu.notifications import kinds

        from . import signals
        from .services import WELCOME_KIND

        # In-app only by default: the person has just read an e-mail from us to get here.
        kinds.register(
            WELCOME_KIND, label="Welcome to the site, after confirming your e-mail", default=kinds.Frequency.OFF
        )
        email_confirmed.connect(signals.welcome_on_first_confirmation, dispatch_uid="accounts.welcome")
