"""Hooks the home app registers for the apps below it."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from courses.permissions import is_site_editor
from p2pu.core.monitoring import task_failures_recent, task_summary

from .models import SiteSettings


@hooks.register("course_default_licence")
def site_default_licence(request):
    """The licence site editors suggest for new courses; courses asks through this hook because it
    may not import home."""
    return SiteSettings.for_request(request).default_licence


class TaskHealthPanel(Component):
    """The Celery queue's length and recent task failures, so site editors see trouble before users report it."""

    name = "task_health"
    template_name = "home/admin/task_health_panel.html"
    order = 50
    failures_shown = 10

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["summary"] = task_summary()
        context["failures"] = task_failures_recent()[: self.failures_shown]
        return context


@hooks.register("construct_homepage_panels")
def task_health_panel(request, panels):
    if is_site_editor(request.user):
        panels.append(TaskHealthPanel())
