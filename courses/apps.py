from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from p2pu.accounts.personal_data import PersonalData
        from p2pu.accounts.personal_data import register as personal_data_register
        from p2pu.audit import actions
        from p2pu.notifications import kinds

        from . import audit_actions, locales, notification_kinds, page_cache, personal_data, restrictions, signals
        from .models import CourseReviewTask, Rubric
        from .page_forms import ChosenContentCheck
        from .permissions import RubricPermissionPolicy, images_choosable_by, rubrics_choosable_by
        from .review_rules import REVIEW_RULES

        actions.register_all(audit_actions.ACTIONS)
        personal_data_register(PersonalData("courses", export=personal_data.export, erase=personal_data.erase))
        kinds.register_all(notification_kinds.KINDS)
        # Before anything asks Wagtail for the rubric policy, or it would fall back to model-wide permissions.
        register_permission_policy(Rubric, RubricPermissionPolicy(Rubric))
        signals.connect()
        page_cache.connect()
        restrictions.connect()
        locales.connect()
        # The review task's rules read code above the models, so they are handed to it here.
        CourseReviewTask.rules = REVIEW_RULES
        # Likewise what the page forms let a person choose, which the models below them cannot import.
        ChosenContentCheck.images_choosable_by = staticmethod(images_choosable_by)
        ChosenContentCheck.rubrics_choosable_by = staticmethod(rubrics_choosable_by)

        from .remix import signals as remix_signals
        from .remix import wagtail_hooks as remix_wagtail_hooks  # noqa: F401 (registers the remix admin hooks)

        remix_signals.connect()

        from .oai import signals as oai_signals

        oai_signals.connect()
