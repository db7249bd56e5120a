"""What remixing listens to: a published source tells its remixes' maintainers, and a published remix
records what it changed. Connected in CoursesConfig.ready()."""

from wagtail.log_actions import get_active_log_context
from wagtail.signals import copy_for_translation_done, page_published

from ..models import CoursePage, ModulePage
from . import services


def _on_published(sender, instance, revision=None, **kwargs):
    # First, so a description of the changes the authors wrote wins over the change note's.
    services.derivations_review_publish(page=instance, revision=revision)
    if revision is None:
        return
    services.published_changes_record(page=instance, revision=revision)
    services.upstream_published_notify(page=instance, revision=revision)


def _on_copied_for_translation(sender, source_obj, target_obj, **kwargs):
    # The admin's "Translate" runs in a log context naming its user, as course_translation_create does.
    services.course_translation_link(
        source=getattr(source_obj, "specific", source_obj),
        translation=getattr(target_obj, "specific", target_obj),
        user=get_active_log_context().user,
    )


def connect() -> None:
    copy_for_translation_done.connect(_on_copied_for_translation, dispatch_uid="courses_remix_translated")
    for model in (CoursePage, ModulePage):
        page_published.connect(_on_published, sender=model, dispatch_uid=f"courses_remix_published_{model.__name__}")
