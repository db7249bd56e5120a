"""What the cached pages of the page tree show, and the events that purge them (see p2pu.core.page_cache).

Tags, by what they name:

- ``page:<id>`` — a page's own content (title, body, licence, credits). Shown by the page itself, by its
  descendants (breadcrumbs, the course a module belongs to) and by the list its parent shows.
- ``children:<id>`` — the list of a page's live children: the catalog's courses, a course's modules and
  its publish history, a module's previous and next modules.
- ``pages`` — every live page: the sitemap and the pages API.
- ``courses`` — every live course: the home page's featured courses.
- ``remix-families`` — the remix family pages (a family spans generations of sources and remixes).
- ``translations:<translation_key>`` — a course's versions in every language, which each of them links to.
  The catalog, which lists every locale's courses, shows ``courses``.

Publishing, unpublishing, moving or deleting a page, and a change to a course's credits, purge the page's
own tag and its parent's (old and new parent's, for a move) children list, so a sibling course's pages stay
cached. A person's name changed purges the same for the courses crediting them and the pages they published
(the publish history names who published each version).
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageLogEntry
from wagtail.signals import page_published, page_unpublished, post_page_move

from p2pu.accounts.profile_signals import display_name_changed
from p2pu.core.page_cache import page_cache_depends, page_cache_purge, page_cache_wanted

from .cache_tags import COURSES_TAG, PAGES_TAG, REMIX_FAMILIES_TAG, children_tag, page_tag, translations_tag
from .models import CourseCredit, CoursePage, ModulePage


def page_served_depends(*, page: Page, request) -> None:
    """Declare what a page's response shows: its own and its ancestors' content, and its children.

    A module also shows its siblings (previous and next); the home page declares its lists itself.
    """
    if not page_cache_wanted(request):
        return
    lineage = list(Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=1).values_list("pk", flat=True))
    tags = [page_tag(page_id) for page_id in lineage] + [children_tag(page.pk)]
    if isinstance(page, ModulePage) and len(lineage) > 1:
        tags.append(children_tag(lineage[-2]))
    page_cache_depends(request, *tags)


def _parent_id(page: Page) -> list[int]:
    return list(Page.objects.filter(path=page.path[: -Page.steplen]).values_list("pk", flat=True))


def _page_changed(page: Page, *, parent_ids: list[int]) -> None:
    tags = [page_tag(page.pk), PAGES_TAG, *(children_tag(parent_id) for parent_id in parent_ids)]
    if issubclass(page.specific_class or Page, CoursePage):
        tags += [COURSES_TAG, REMIX_FAMILIES_TAG, translations_tag(page.translation_key)]
    page_cache_purge(*tags)


def _on_published_or_unpublished(sender, instance, **kwargs):
    _page_changed(instance, parent_ids=_parent_id(instance))


def _on_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    _page_changed(instance, parent_ids=[parent_page_before.pk, parent_page_after.pk])


def _on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _page_changed(instance, parent_ids=_parent_id(instance))


def _on_credit_changed(sender, instance, **kwargs):
    # A course's credits show on it, on its modules (through page:<course>) and on the catalog's card.
    course = CoursePage.objects.filter(pk=instance.course_id).first()
    if course is not None:
        _page_changed(course, parent_ids=_parent_id(course))


def _on_display_name_changed(sender, user, **kwargs):
    credited = CourseCredit.objects.filter(person=user).values("course_id")
    published = PageLogEntry.objects.filter(user=user, action="wagtail.publish").values("page_id")
    for page in Page.objects.filter(Q(pk__in=credited) | Q(pk__in=published)):
        _page_changed(page, parent_ids=_parent_id(page))


def connect() -> None:
    page_published.connect(_on_published_or_unpublished, dispatch_uid="page_cache_published")
    page_unpublished.connect(_on_published_or_unpublished, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_on_moved, dispatch_uid="page_cache_moved")
    post_delete.connect(_on_deleted, dispatch_uid="page_cache_page_deleted")
    post_save.connect(_on_credit_changed, sender=CourseCredit, dispatch_uid="page_cache_credit_saved")
    post_delete.connect(_on_credit_changed, sender=CourseCredit, dispatch_uid="page_cache_credit_deleted")
    display_name_changed.connect(_on_display_name_changed, dispatch_uid="page_cache_course_names")
