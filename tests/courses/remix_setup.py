"""Set-up for the remix tests: published courses as authors make them, and remixes as remixers do.

source = published_course(licence="CC-BY-4.0", modules=["Intro", "Practice"])
remix = remix_course(source=source, user=remixer, licence="CC-BY-4.0")   # a draft
publish(remix, change_note="Shorter")                                    # a new revision, published
"""

from courses.models import CoursePage, CreditRole, ModulePage
from tests.courses.factories import CourseCreditFactory, CoursePageFactory, ModulePageFactory, text_block
from tests.factories import UserFactory


def published_course(*, licence: str = "CC-BY-4.0", modules=("Intro", "Practice"), maintainer=None, **fields):
    """A published course with published modules, credited to a maintainer (accepted)."""
    course = CoursePageFactory(licence=licence, change_note="First version", **fields)
    CourseCreditFactory(course=course, person=maintainer or UserFactory(), role=CreditRole.MAINTAINER)
    for title in modules:
        ModulePageFactory(
            parent=course,
            title=title,
            slug=title.lower().replace(" ", "-"),
            body=[text_block(f"<p>{title}: read this, then talk it over.</p>")],
            change_note="First version",
        )
    return CoursePage.objects.get(pk=course.pk)


def publish(page, *, user=None, **changes):
    """Save a new revision of the page with ``changes`` and publish it, as an approved review would."""
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    return type(draft).objects.get(pk=page.pk)


def draft_change(page, *, user=None, **changes):
    """Save a new draft revision of the page with ``changes``, without publishing it."""
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision(user=user)
    return type(draft).objects.get(pk=page.pk)


def modules_of(course) -> list[ModulePage]:
    return list(ModulePage.objects.child_of(course).order_by("path"))


def body_text(page) -> str:
    return " ".join(str(block.value) for block in page.get_latest_revision_as_object().body)
