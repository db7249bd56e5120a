from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Study circles"

    def ready(self):
        from p2pu.notifications import kinds

        from . import notification_kinds
        from .review import notification_kinds as review_notification_kinds

        kinds.register_all(notification_kinds.KINDS)
        kinds.register_all(review_notification_kinds.KINDS)
