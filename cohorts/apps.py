from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Study circles")

    def ready(self):
        from p2pu.accounts.personal_data import PersonalData
        from p2pu.accounts.personal_data import register as personal_data_register
        from p2pu.audit import actions
        from p2pu.notifications import kinds

        from . import audit_actions, notification_kinds, page_cache, personal_data
        from .discussions import notification_kinds as discussion_notification_kinds
        from .discussions import tasks as discussion_tasks  # noqa: F401 (registers the tasks with Celery)
        from .discussions import wagtail_hooks as discussion_hooks  # noqa: F401 (Wagtail reads only app-level hooks)
        from .organisations import audit_actions as organisation_audit_actions
        from .organisations import notification_kinds as organisation_notification_kinds
        from .organisations import page_cache as organisation_page_cache
        from .ratings import notification_kinds as rating_notification_kinds
        from .review import notification_kinds as review_notification_kinds
        from .surveys import notification_kinds as survey_notification_kinds
        from .surveys import tasks as survey_tasks  # noqa: F401 (registers the tasks with Celery)

        actions.register_all(audit_actions.ACTIONS)
        actions.register_all(organisation_audit_actions.ACTIONS)
        personal_data_register(
            PersonalData(
                "circles", export=personal_data.export, erase=personal_data.erase, blockers=personal_data.blockers
            )
        )
        kinds.register_all(notification_kinds.KINDS)
        kinds.register_all(review_notification_kinds.KINDS)
        kinds.register_all(discussion_notification_kinds.KINDS)
        kinds.register_all(survey_notification_kinds.KINDS)
        kinds.register_all(rating_notification_kinds.KINDS)
        kinds.register_all(organisation_notification_kinds.KINDS)
        page_cache.connect()
        organisation_page_cache.connect()
