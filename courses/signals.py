"""Receivers for Wagtail's signals; each hands over to a service. Connected in CoursesConfig.ready()."""

from wagtail.models import TaskState
from wagtail.signals import page_published, task_submitted

from .models import CoursePage, CourseReviewTask
from .services import credits_licence_published
from .workflows import review_requested_notify


def _on_task_submitted(sender, instance, user=None, **kwargs):
    if user is not None and isinstance(instance.task.specific, CourseReviewTask):
        review_requested_notify(task_state=instance, user=user)


def _on_course_published(sender, instance, **kwargs):
    credits_licence_published(course=instance)


def connect() -> None:
    task_submitted.connect(_on_task_submitted, sender=TaskState, dispatch_uid="courses_review_requested")
    page_published.connect(_on_course_published, sender=CoursePage, dispatch_uid="courses_credits_licence_published")
