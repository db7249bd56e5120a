"""What the cached circle pages show, and the events that purge them (see p2pu.core.page_cache).

Tags: ``circle:<id>`` (the circle's page), ``circles`` (every list of circles: /circles/, the home page's
upcoming circles), ``course-circles:<course id>`` (the “Study circles” box on that course's page) and
``circle-members:<id>`` (what only a circle's members see on its page: the answers to meetings, their ratings
of held ones and the facilitators' messages, purged when any of them changes). A circle created, changed or
cancelled, a seat taken or freed (a membership saved) and a meeting moved purge the circle's first three tags;
the changes made by queryset updates (seats, life-cycle moves) purge through ``circles_page_cache_purge`` in
the services that make them. An organisation renamed or deleted purges ``circles`` too: the public circles API
and the embeddable list show its name. A person's name changed purges the circles they are in and the ratings
of courses they signed or replied to. Publishing, unpublishing, moving or deleting a course or one of its
modules purges the pages of the circles following that course: they show its title, and members see whether it
has a newer version. So a circle's own tags cover what its page shows, and are known before anything about the
circle is read.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CoursePage, ModulePage
from p2pu.accounts.profile_signals import display_name_changed
from p2pu.core.page_cache import page_cache_purge

from .models import Circle, CircleMessage, CourseRating, Meeting, MeetingFeedback, MeetingRsvp, Membership

CIRCLES_TAG = "circles"
COURSE_RATINGS_TAG = "course-ratings"


def circle_tag(circle_id: int) -> str:
    return f"circle:{circle_id}"


def circle_members_tag(circle_id: int) -> str:
    return f"circle-members:{circle_id}"


def course_circles_tag(course_id: int) -> str:
    return f"course-circles:{course_id}"


def course_ratings_tag(course_id: int) -> str:
    return f"course-ratings:{course_id}"


def circles_page_cache_purge(*, circle_ids) -> None:
    """Purge every cached page that shows these circles, after the transaction commits."""
    circle_ids = list(circle_ids)
    if not circle_ids:
        return
    course_ids = set(Circle.objects.filter(pk__in=circle_ids).values_list("course_id", flat=True))
    page_cache_purge(
        CIRCLES_TAG,
        *(circle_tag(circle_id) for circle_id in circle_ids),
        *(course_circles_tag(course_id) for course_id in course_ids),
    )


def _on_circle_changed(sender, instance, **kwargs):
    page_cache_purge(CIRCLES_TAG, circle_tag(instance.pk), course_circles_tag(instance.course_id))


def _on_part_of_circle_changed(sender, instance, **kwargs):
    circles_page_cache_purge(circle_ids=[instance.circle_id])


def _on_message_changed(sender, instance, **kwargs):
    page_cache_purge(circle_members_tag(instance.circle_id))


def _on_answer_or_rating_changed(sender, instance, **kwargs):
    circle_id = Meeting.objects.filter(pk=instance.meeting_id).values_list("circle_id", flat=True).first()
    if circle_id is not None:
        page_cache_purge(circle_members_tag(circle_id))


def _on_course_rating_changed(sender, instance, **kwargs):
    page_cache_purge(COURSE_RATINGS_TAG, course_ratings_tag(instance.course_id))


def _following_circles_purge(*pages: Page) -> None:
    """Purge the pages of the circles following the courses these pages are, or are modules of."""
    if not any(issubclass(page.specific_class or Page, (CoursePage, ModulePage)) for page in pages):
        return
    courses = Q()
    for page in pages:
        courses |= Q(pk__in=CoursePage.objects.ancestor_of(page, inclusive=True).values("pk"))
    circle_ids = list(Circle.objects.filter(course__in=CoursePage.objects.filter(courses)).values_list("pk", flat=True))
    if circle_ids:
        page_cache_purge(*(circle_tag(circle_id) for circle_id in circle_ids))


def _on_course_page_changed(sender, instance, **kwargs):
    _following_circles_purge(instance)


def _on_course_page_moved(sender, instance, parent_page_before, **kwargs):
    _following_circles_purge(instance, parent_page_before)


def _on_course_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _following_circles_purge(instance)


def _on_display_name_changed(sender, user, **kwargs):
    circles_page_cache_purge(circle_ids=Membership.objects.filter(user=user).values_list("circle_id", flat=True))
    signed = CourseRating.objects.filter(Q(membership__user=user, show_name=True) | Q(replied_by=user))
    course_ids = set(signed.values_list("course_id", flat=True))
    if course_ids:
        page_cache_purge(*(course_ratings_tag(course_id) for course_id in course_ids))


def connect() -> None:
    post_save.connect(_on_course_rating_changed, sender=CourseRating, dispatch_uid="page_cache_course_rating_saved")
    post_delete.connect(_on_course_rating_changed, sender=CourseRating, dispatch_uid="page_cache_course_rating_deleted")
    post_save.connect(_on_circle_changed, sender=Circle, dispatch_uid="page_cache_circle_saved")
    post_delete.connect(_on_circle_changed, sender=Circle, dispatch_uid="page_cache_circle_deleted")
    for model in (Membership, Meeting):
        post_save.connect(_on_part_of_circle_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_saved")
        post_delete.connect(
            _on_part_of_circle_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_deleted"
        )
    for model, purge in (
        (CircleMessage, _on_message_changed),
        (MeetingRsvp, _on_answer_or_rating_changed),
        (MeetingFeedback, _on_answer_or_rating_changed),
    ):
        post_save.connect(purge, sender=model, dispatch_uid=f"page_cache_{model.__name__}_saved")
        post_delete.connect(purge, sender=model, dispatch_uid=f"page_cache_{model.__name__}_deleted")
    display_name_changed.connect(_on_display_name_changed, dispatch_uid="page_cache_circle_names")
    page_published.connect(_on_course_page_changed, dispatch_uid="page_cache_circles_course_published")
    page_unpublished.connect(_on_course_page_changed, dispatch_uid="page_cache_circles_course_unpublished")
    post_page_move.connect(_on_course_page_moved, dispatch_uid="page_cache_circles_course_moved")
    post_delete.connect(_on_course_page_deleted, dispatch_uid="page_cache_circles_course_deleted")
