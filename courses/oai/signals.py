"""Receivers that keep OAI-PMH's deleted records; each hands over to courses.oai.services.
Connected in CoursesConfig.ready()."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from ..models import CoursePage
from .services import course_withdrawal_forget, course_withdrawal_record


def _on_withdrawn(sender, instance, **kwargs):
    course_withdrawal_record(course=instance)


def _on_published(sender, instance, **kwargs):
    course_withdrawal_forget(course=instance)


def connect() -> None:
    page_unpublished.connect(_on_withdrawn, sender=CoursePage, dispatch_uid="courses_oai_course_unpublished")
    post_delete.connect(_on_withdrawn, sender=CoursePage, dispatch_uid="courses_oai_course_deleted")
    page_published.connect(_on_published, sender=CoursePage, dispatch_uid="courses_oai_course_published")
