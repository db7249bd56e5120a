from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "p2pu.accounts"
    label = "accounts"
    verbose_name = "Accounts"
