from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from p2pu.notifications import kinds

        from . import notification_kinds, page_cache, restrictions, signals
        from .models import CourseReviewTask, Rubric
        from .permissions import RubricPermissionPolicy
        from .review_rules import REVIEW_RULES

        kinds.register_all(notification_kinds.KINDS)
        # Before anything asks Wagtail for the rubric policy, or it would fall back to model-wide permissions.
        register_permission_policy(Rubric, RubricPermissionPolicy(Rubric))
        signals.connect()
        page_cache.connect()
        restrictions.connect()
        # The review task's rules read code above the models, so they are handed to it here.
        CourseReviewTask.rules = REVIEW_RULES

        from .remix import signals as remix_signals
        from .remix import wagtail_hooks as remix_wagtail_hooks  # noqa: F401 (registers the remix admin hooks)

        remix_signals.connect()

        from .oai import signals as oai_signals

        oai_signals.connect()
