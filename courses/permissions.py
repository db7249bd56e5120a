"""Who may do what with a course, in one place.

Editing is Wagtail's own permission machinery. Each course has an authors group
(``CoursePage.authors_group``) holding "add" and "change" on the course page (and so on its
modules), add/change/choose on the course's image and document collection, and add/change on
rubrics (narrowed to the course's own rubrics by ``RubricPermissionPolicy``). Its members are
exactly the people credited on the course (``courses.services.course_authors_sync``). A base
"Learner authors" group grants nothing but access to the admin.

Nobody in those groups may publish: a course or module goes live through the course review
workflow (``courses.models.review.CourseReviewTask``), approved by another maintainer of the
course or a site editor, and only once every credited person has accepted the credit and the
licence (``publish_blockers``).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from .models.authorship import CourseCredit, CreditRole
from .models.pages import CourseIndexPage, CoursePage
from .models.rubrics import Rubric

LEARNER_AUTHORS_GROUP_NAME = "Learner authors"

#: Page permissions of a course's authors group, on the course page: edit it, add and edit modules.
#: Not "publish": publishing is the review workflow's job.
COURSE_PAGE_PERMISSIONS = ["add_page", "change_page"]
#: (app label, codename) of the authors group's permissions on the course's collection.
COURSE_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
#: Model permissions of the authors group; RubricPermissionPolicy limits them to the course's rubrics.
COURSE_RUBRIC_PERMISSIONS = ["add_rubric", "change_rubric"]


def is_verified(user) -> bool:
    """Signed in, active, and holding at least one verified e-mail address."""
    return bool(
        user.is_authenticated and user.is_active and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def can_start_course(user) -> bool:
    return is_verified(user)


def is_site_editor(user) -> bool:
    """Staff who curate the catalog: superusers and anyone Wagtail lets publish the catalog page.

    Remembered on the user object for the request, as Wagtail does with page permissions.
    """
    cached = getattr(user, "_courses_is_site_editor", None)
    if cached is None:
        if not (user.is_authenticated and user.is_active):
            cached = False
        elif user.is_superuser:
            cached = True
        else:
            # The default locale's catalog, where editors' page permissions are given (its translations are
            # pages beside it, in other locales' trees).
            default_language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
            catalog = CourseIndexPage.objects.filter(locale__language_code=default_language).first()
            cached = catalog is not None and catalog.permissions_for_user(user).can_publish()
        user._courses_is_site_editor = cached
    return cached


def is_course_author_only(user) -> bool:
    """Someone whose admin access comes only from writing courses: in no group but the base group and
    courses' authors groups, with no permission of their own. Remembered on the user for the request."""
    cached = getattr(user, "_courses_is_course_author_only", None)
    if cached is None:
        cached = bool(
            user.is_authenticated
            and not user.is_superuser
            and not user.user_permissions.exists()
            and not user.groups.exclude(name=LEARNER_AUTHORS_GROUP_NAME).filter(authored_course__isnull=True).exists()
        )
        user._courses_is_course_author_only = cached
    return cached


def course_for_page(page) -> CoursePage | None:
    """The course a page belongs to: itself for a course, its course for a module, else None."""
    if isinstance(page, CoursePage):
        return page
    return CoursePage.objects.ancestor_of(page, inclusive=True).first()


def is_maintainer(*, user, course) -> bool:
    return user.is_authenticated and maintainers_of(course).filter(pk=user.pk).exists()


def maintainers_of(course, *, exclude=None):
    """The active people credited as the course's maintainers."""
    people = get_user_model().objects.filter(
        course_credits__course=course, course_credits__role=CreditRole.MAINTAINER, is_active=True
    )
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.distinct()


def can_manage_authors(*, user, course) -> bool:
    """Invite and remove co-authors, add and confirm external credits."""
    return is_site_editor(user) or is_maintainer(user=user, course=course)


def can_view_authors(*, user, course) -> bool:
    """Everyone who may edit the course sees who else does."""
    return user.is_authenticated and course.permissions_for_user(user).can_edit()


def can_accept_credit(*, user, credit) -> bool:
    """Their own credit; an external name's, for a maintainer of its course."""
    if not user.is_authenticated:
        return False
    if credit.person_id is not None:
        return credit.person_id == user.pk
    return is_maintainer(user=user, course=credit.course)


def can_answer_invitation(*, user, invitation) -> bool:
    """The invitation went to an address: whoever has verified that address answers it."""
    return bool(
        is_verified(user)
        and EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()
    )


def courses_authored_by(user):
    """The courses whose authors group this person is in (not every course a site editor could edit)."""
    if not user.is_authenticated:
        return CoursePage.objects.none()
    return CoursePage.objects.filter(authors_group__user=user)


def pages_maintained_by(user):
    """Courses this person maintains, with their modules."""
    paths = CoursePage.objects.filter(credits__person=user, credits__role=CreditRole.MAINTAINER).values_list(
        "path", flat=True
    )
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Page.objects.filter(condition) if condition else Page.objects.none()


def revisions_under_review(*, page, task_state) -> QuerySet[Revision]:
    """The revisions a review decides on: every one since the page was last published, up to the one
    submitted (``task_state.revision``), which approval publishes."""
    revisions = Revision.page_revisions.filter(object_id=str(page.pk))
    if page.live_revision_id is not None:
        revisions = revisions.filter(pk__gt=page.live_revision_id)
    if task_state is not None and task_state.revision_id is not None:
        revisions = revisions.filter(pk__lte=task_state.revision_id)
    return revisions


def wrote_under_review(*, user, page, task_state) -> bool:
    """Whether this person wrote any of the revisions under review: then approving would be approving
    their own work, whoever pressed "Submit for review"."""
    return revisions_under_review(page=page, task_state=task_state).filter(user_id=user.pk).exists()


def can_review(*, user, page) -> bool:
    """Approve or request changes on the review in progress: a site editor or a maintainer of the
    course, but never the person who submitted it nor anyone who wrote a revision under review."""
    state = page.current_workflow_state
    if state is None or not (user.is_authenticated and user.is_active) or state.requested_by_id == user.pk:
        return False
    if wrote_under_review(user=user, page=page, task_state=state.current_task_state):
        return False
    if is_site_editor(user):
        return True
    course = course_for_page(page)
    return course is not None and is_maintainer(user=user, course=course)


def course_draft_licence(course) -> str:
    """The licence in the course's newest revision: what publishing the course would put before the public."""
    if course.latest_revision_id:
        return course.latest_revision.content.get("licence") or course.licence
    return course.licence


def licence_to_publish(*, page, course) -> str:
    """The course licence that publishing this page puts before the public: for the course itself
    its newest revision's, for a module the course's live licence."""
    return course_draft_licence(course) if page.pk == course.pk else course.licence


def accepted_for(licence: str) -> Q:
    """Credits whose person (or, for an external name, a maintainer) has accepted them under ``licence``."""
    return Q(accepted_at__isnull=False) & (Q(accepted_licence=licence) | Q(accepted_next_licence=licence))


def publish_blockers(*, page, licence: str | None = None) -> list[CourseCredit]:
    """The credits on the page's course not yet accepted under the licence being published.

    Empty for pages outside any course. ``licence`` overrides the one read from the database (the
    admin's Publish passes the licence just submitted).
    """
    course = course_for_page(page)
    if course is None:
        return []
    licence = licence or licence_to_publish(page=page, course=course)
    return list(course.credits.exclude(accepted_for(licence)).select_related("person"))


def credits_awaiting(user) -> list[CourseCredit]:
    """What this person has to accept: their own credits not accepted under the course's live licence
    or the licence its newest version moves to, and external credits on the courses they maintain."""
    if not user.is_authenticated:
        return []
    maintained = CoursePage.objects.filter(credits__person=user, credits__role=CreditRole.MAINTAINER)
    credits = (
        CourseCredit.objects.filter(Q(person=user) | Q(person__isnull=True, course__in=maintained))
        .annotate(draft_licence=KeyTextTransform("licence", "course__latest_revision__content"))
        .select_related("course", "person")
        .order_by("course__title", "sort_order", "pk")
    )
    return [credit for credit in credits if not credit_is_settled(credit, draft_licence=credit.draft_licence)]


def credit_is_settled(credit: CourseCredit, *, draft_licence: str | None) -> bool:
    """Accepted under the course's live licence and under its newest version's."""
    agreed = {credit.accepted_licence, credit.accepted_next_licence} if credit.accepted_at else set()
    return credit.course.licence in agreed and (draft_licence or credit.course.licence) in agreed


# --- Remixing (courses.remix) ----------------------------------------------------------------------------


def is_public(page) -> bool:
    """Readable by anyone: neither the page nor any page above it is view-restricted (private)."""
    return not page.get_view_restrictions().exists()


def admits(request, page) -> bool:
    """Whether the page's view restrictions (its own and its ancestors') let this visitor read it."""
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())


def public_course_collections():
    """The collections of live, public courses: their images and documents are for everyone."""
    return CoursePage.objects.live().public().exclude(collection=None).values("collection_id")


def can_see_course_file(*, request, collection_id) -> bool:
    """Whether this visitor may have an image or document of the collection.

    A course's files follow the course: everyone's once it is live and public; while it is a draft,
    only for those who may edit it (and site editors); while it is private, also for the readers its
    view restriction lets in. Files outside every course's collection are the site's own, public.
    """
    course = CoursePage.objects.filter(collection_id=collection_id).first()
    if course is None:
        return True
    user = request.user
    if user.is_authenticated and (is_site_editor(user) or course.permissions_for_user(user).can_edit()):
        return True
    return course.live and admits(request, course)


def can_remix(user) -> bool:
    """Remix a published course, or use a published module in a course of one's own."""
    return is_verified(user)


def can_edit_course(*, user, course) -> bool:
    """Work on the course: see its sources and drafts, take upstream changes into it."""
    return user.is_authenticated and course.permissions_for_user(user).can_edit()


def can_add_modules(*, user, course) -> bool:
    return user.is_authenticated and course.permissions_for_user(user).can_add_subpage()


def courses_to_add_modules_to(user):
    """The courses someone may import a module into: those they write (not every course a site editor could edit)."""
    return courses_authored_by(user).order_by("title", "pk")


def images_choosable_by(user):
    """Images an author may put in a page: those Wagtail's image chooser offers them (their courses' collections)."""
    policy = policy_registry.get_by_type(get_image_model())
    return policy.instances_user_has_any_permission_for(user, ["choose"])


def documents_choosable_by(user):
    """Documents an author may link: those Wagtail's document chooser offers them (their courses' collections)."""
    policy = policy_registry.get_by_type(get_document_model())
    return policy.instances_user_has_any_permission_for(user, ["choose"])


def rubrics_choosable_by(user):
    """Rubrics an activity may use: site-wide ones and those of the person's own courses (all, for site editors)."""
    if is_site_editor(user):
        return Rubric.objects.all()
    return Rubric.objects.filter(Q(course__isnull=True) | Q(course__in=courses_authored_by(user)))


class RubricPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions on rubrics, narrowed for learner authors to their own courses.

    A permission a person holds through a course's authors group applies to that course's rubrics
    only; held any other way (as a superuser, directly, or through a staff group) it applies to all.
    """

    def _permissions(self, actions):
        return Permission.objects.filter(
            content_type=self._content_type, codename__in=self._get_permission_codenames(actions)
        )

    def _staff_groups(self, actions):
        """Groups holding the permissions that are not a course's authors group."""
        course_groups = CoursePage.objects.filter(authors_group__isnull=False).values("authors_group")
        return Group.objects.filter(permissions__in=self._permissions(actions)).exclude(pk__in=course_groups)

    def _holds_site_wide(self, user, actions) -> bool:
        return (
            user.is_superuser
            or user.user_permissions.filter(pk__in=self._permissions(actions)).exists()
            or user.groups.filter(pk__in=self._staff_groups(actions)).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not (user.is_active and self.user_has_any_permission(user, actions)):
            return Rubric.objects.none()
        if self._holds_site_wide(user, actions):
            return Rubric.objects.all()
        groups = Group.objects.filter(user=user, permissions__in=self._permissions(actions))
        return Rubric.objects.filter(course__authors_group__in=groups)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.instances_user_has_any_permission_for(user, actions).filter(pk=instance.pk).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def users_with_any_permission_for_instance(self, actions, instance):
        permissions = self._permissions(actions)
        holders = Q(is_superuser=True) | Q(user_permissions__in=permissions) | Q(groups__in=self._staff_groups(actions))
        if instance.course_id is not None:
            holders |= Q(groups__authored_course=instance.course_id, groups__permissions__in=permissions)
        return get_user_model().objects.filter(holders, is_active=True).distinct()
