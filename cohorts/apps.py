from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Study circles"

    def ready(self):
        from p2pu.notifications import kinds

        from . import notification_kinds, page_cache
        from .discussions import notification_kinds as discussion_notification_kinds
        from .discussions import tasks as discussion_tasks  # noqa: F401 (registers the tasks with Celery)
        from .discussions import wagtail_hooks as discussion_hooks  # noqa: F401 (Wagtail reads only app-level hooks)
        from .review import notification_kinds as review_notification_kinds

        kinds.register_all(notification_kinds.KINDS)
        kinds.register_all(review_notification_kinds.KINDS)
        kinds.register_all(discussion_notification_kinds.KINDS)
        page_cache.connect()
