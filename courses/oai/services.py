"""Writes for OAI-PMH: remember a course that left the public catalog, and forget it when it returns."""

from django.utils import timezone

from ..models import CoursePage, WithdrawnCourse


def course_withdrawal_record(*, course: CoursePage) -> WithdrawnCourse | None:
    """Note that a course harvesters may have seen (one published at least once) is no longer public."""
    if course.first_published_at is None:
        return None
    withdrawn, _ = WithdrawnCourse.objects.update_or_create(
        page_id=course.pk,
        defaults={"licence": course.licence, "language": course.language, "withdrawn_at": timezone.now()},
    )
    return withdrawn


def course_withdrawal_forget(*, course: CoursePage) -> int:
    """A course published again is a live record once more."""
    deleted, _ = WithdrawnCourse.objects.filter(page_id=course.pk).delete()
    return deleted
