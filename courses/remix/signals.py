"""What remixing listens to: a published source tells its remixes' maintainers, and a published remix
records what it changed. Connected in CoursesConfig.ready()."""

from wagtail.signals import page_published

from ..models import CoursePage, ModulePage
from . import services


def _on_published(sender, instance, revision=None, **kwargs):
    # First, so a description of the changes the authors wrote wins over the change note's.
    services.derivations_review_publish(page=instance, revision=revision)
    if revision is None:
        return
    services.published_changes_record(page=instance, revision=revision)
    services.upstream_published_notify(page=instance, revision=revision)


def connect() -> None:
    for model in (CoursePage, ModulePage):
        page_published.connect(_on_published, sender=model, dispatch_uid=f"courses_remix_published_{model.__name__}")
