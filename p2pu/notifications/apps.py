from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "p2pu.notifications"
    label = "notifications"
    verbose_name = "Notifications"
