"""The catalog, courses, modules and rubrics as pages and snippets: created with a first revision."""

from django.db import transaction
from wagtail.models import Page

from ..models import CourseIndexPage, CoursePage, ModulePage, Rubric

#: Paths under /courses/ that courses.urls serves, which a course's slug must not shadow.
RESERVED_COURSE_SLUGS = frozenset({"start", "credits", "invitations", "remix"})


def _page_add(*, parent: Page, page: Page, user=None, publish: bool) -> Page:
    """Add ``page`` under ``parent`` with a first revision by ``user``; publish it, or keep it a draft."""
    page.owner = user
    if not publish:
        page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user, skip_permission_checks=True)
        page.refresh_from_db()
    return page


@transaction.atomic
def catalog_ensure(*, home_page: Page, title: str = "Courses") -> CourseIndexPage:
    """The catalog at /courses/ under the home page; created and published if missing. Idempotent."""
    catalog = CourseIndexPage.objects.child_of(home_page).first()
    if catalog is None:
        catalog = _page_add(
            parent=home_page, page=CourseIndexPage(title=title, slug="courses"), user=None, publish=True
        )
    return catalog


@transaction.atomic
def course_create(*, catalog: CourseIndexPage, title: str, user=None, publish: bool = False, **fields) -> CoursePage:
    """A course under the catalog; ``fields`` are CoursePage fields, ``topics`` a list of names."""
    topics = fields.pop("topics", ())
    course = CoursePage(title=title, **fields)
    course.topics.add(*topics)
    return _page_add(parent=catalog, page=course, user=user, publish=publish)


@transaction.atomic
def module_create(*, course: CoursePage, title: str, user=None, publish: bool = False, **fields) -> ModulePage:
    """A module at the end of the course's outline; ``fields`` are ModulePage fields (``body`` as raw stream data)."""
    return _page_add(parent=course, page=ModulePage(title=title, **fields), user=user, publish=publish)


@transaction.atomic
def rubric_create(*, title: str, criteria: list, description: str = "", course=None, user=None) -> Rubric:
    """A rubric with its first revision; ``criteria`` is raw stream data of ``criterion`` items."""
    rubric = Rubric.objects.create(title=title, description=description, criteria=criteria, course=course)
    rubric.save_revision(user=user, log_action=True)
    return rubric
