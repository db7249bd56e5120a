"""Admin screens for the courses app, and the admin hooks that keep learner authors to their own courses."""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.filters import MultipleUserFilter, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.pages.listing import EditedByFilter, ExplorableIndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, PageLogEntry
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from . import permissions, services
from .licensing import Licence
from .models import CoursePage, CourseReviewTask, ModulePage, Rubric
from .page_cache import page_served_depends
from .urls import admin_urlpatterns

# --- Rubrics: a snippet that belongs to a course --------------------------------------------------------
# A rubric is written for a course (Rubric.course) and edited by that course's authors; rubrics with no
# course are site-wide, kept by site editors, and any author may choose them for an activity.
# RubricPermissionPolicy (registered in CoursesConfig.ready) says who may do what with which rubric;
# Wagtail's snippet views check only model-wide permissions, so each view of one rubric below checks
# the rubric itself as well.


class RubricForm(WagtailAdminModelForm):
    """Learner authors file a rubric under one of their own courses; site editors may leave it site-wide."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        course = self.fields["course"]
        if for_user is not None and not permissions.is_site_editor(for_user):
            course.queryset = permissions.courses_authored_by(for_user).order_by("title")
            course.required = True
            course.empty_label = None
        if course.required:
            course.help_text = gettext("The course whose authors may edit this rubric.")
        else:
            course.help_text = gettext(
                "The course whose authors may edit this rubric. Leave empty for a rubric every course may use, "
                "kept by site editors."
            )


class RubricInstanceCheck:
    """Refuse a view of one rubric unless the policy allows the action on that rubric."""

    instance_actions = ["change"]

    def get_object(self, *args, **kwargs):
        rubric = super().get_object(*args, **kwargs)
        policy = self.permission_policy
        if not policy.user_has_any_permission_for_instance(self.request.user, self.instance_actions, rubric):
            raise PermissionDenied
        return rubric


class RubricEditView(RubricInstanceCheck, snippet_views.EditView):
    pass


class RubricCopyView(RubricInstanceCheck, snippet_views.CopyView):
    pass


class RubricDeleteView(RubricInstanceCheck, snippet_views.DeleteView):
    instance_actions = ["delete"]


class RubricUsageView(RubricInstanceCheck, snippet_views.UsageView):
    pass


class RubricHistoryView(RubricInstanceCheck, snippet_views.HistoryView):
    pass


class RubricRevisionsCompareView(RubricInstanceCheck, snippet_views.RevisionsCompareView):
    pass


class ChoosableRubrics:
    """The chooser lists, and returns, only the rubrics this person may use."""

    def get_object_list(self):
        return permissions.rubrics_choosable_by(self.request.user)

    def get_object(self, pk):
        return permissions.rubrics_choosable_by(self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return permissions.rubrics_choosable_by(self.request.user).filter(pk__in=pks)


class RubricChooseView(ChoosableRubrics, snippet_chooser.ChooseView):
    pass


class RubricChooseResultsView(ChoosableRubrics, snippet_chooser.ChooseResultsView):
    pass


class RubricChosenView(ChoosableRubrics, snippet_chooser.SnippetChosenView):
    pass


class RubricChosenMultipleView(ChoosableRubrics, snippet_chooser.SnippetChosenMultipleView):
    pass


class RubricChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = RubricChooseView
    choose_results_view_class = RubricChooseResultsView
    chosen_view_class = RubricChosenView
    chosen_multiple_view_class = RubricChosenMultipleView


def _courses_to_filter_by(request):
    if permissions.is_site_editor(request.user):
        return CoursePage.objects.order_by("title")
    return permissions.courses_authored_by(request.user).order_by("title")


class RubricFilterSet(WagtailFilterSet):
    # Only courses the person writes: the listing must not name other courses, drafts included.
    course = django_filters.ModelChoiceFilter(queryset=_courses_to_filter_by, label=_("Course"))

    class Meta:
        model = Rubric
        fields = ["course"]


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "tasks"
    menu_label = _("Rubrics")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", "course", "updated_at"]
    filterset_class = RubricFilterSet
    search_fields = ["title", "description"]

    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("course"), FieldPanel("description"), FieldPanel("criteria")],
        base_form_class=RubricForm,
    )
    edit_view_class = RubricEditView
    copy_view_class = RubricCopyView
    delete_view_class = RubricDeleteView
    usage_view_class = RubricUsageView
    history_view_class = RubricHistoryView
    revisions_compare_view_class = RubricRevisionsCompareView
    chooser_viewset_class = RubricChooserViewSet

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(request.user, ["change", "delete"])


register_snippet(RubricViewSet)


# --- Learner authors in the admin ----------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_course_authoring_urls():
    return [path("courses/", include((admin_urlpatterns, "courses_authoring")))]


#: Main menu items a learner author keeps: their pages, their course's images and documents, rubrics.
LEARNER_AUTHOR_MENU = {"explorer", "images", "documents", "rubrics"}


@hooks.register("construct_main_menu")
def keep_learner_authors_to_their_courses(request, menu_items):
    # Wagtail already hides what their permissions do not reach; this also drops the reports, the
    # help menu (it links off-site) and anything else a learner author has no use for.
    if permissions.is_course_author_only(request.user):
        menu_items[:] = [item for item in menu_items if item.name in LEARNER_AUTHOR_MENU]


@hooks.register("insert_global_admin_css")
def readable_confirmation_banner():
    return format_html('<link rel="stylesheet" href="{}">', static("courses/css/admin.css"))


# --- The page explorer: nothing of courses a learner author does not write --------------------------------
# Wagtail lets anyone with admin access open the explorer of any page id and shows its title, status and
# last editor, and its Owner and Edited-by filters list every page owner and editor on the site. The
# explorer of the catalog, courses and modules (the page viewsets below) refuses pages outside what the
# person may explore, and its filters name only the people on pages they may work on.

#: Page actions that make a page explorable (Wagtail's own list, see PagePermissionPolicy.explorable_instances).
EXPLORE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def _workable_pages(request):
    return PagePermissionPolicy().instances_user_has_any_permission_for(request.user, EXPLORE_ACTIONS)


def _page_owners(request):
    owners = Page.objects.order_by().values("owner_id")
    if not permissions.is_site_editor(request.user):
        owners = _workable_pages(request).order_by().values("owner_id")
    return get_user_model().objects.filter(pk__in=owners)


def _page_editors(request):
    edits = PageLogEntry.objects.filter(action="wagtail.edit")
    if not permissions.is_site_editor(request.user):
        edits = edits.filter(page__in=_workable_pages(request).values("pk"))
    return get_user_model().objects.filter(pk__in=edits.order_by().values("user_id"))


class CoursePagesFilterSet(PageFilterSet):
    owner = MultipleUserFilter(label=_("Owner"), queryset=_page_owners, widget=CheckboxSelectMultiple)
    edited_by = EditedByFilter(label=_("Edited by"), queryset=_page_editors, widget=CheckboxSelectMultiple)


class CourseExplorerView(ExplorableIndexView):
    def get(self, request, parent_page_id=None):
        explorable = PagePermissionPolicy().explorable_instances(request.user)
        if parent_page_id and not explorable.filter(pk=parent_page_id).exists():
            raise Http404
        return super().get(request, parent_page_id)


class CoursePageViewSet(PageViewSet):
    """Exploring the catalog lists courses: the explorer of the catalog."""

    model = CoursePage
    index_view_class = CourseExplorerView
    filterset_class = CoursePagesFilterSet


class ModulePageViewSet(PageViewSet):
    """The explorer of a course (its modules) and of a module (which has no children)."""

    model = ModulePage
    index_view_class = CourseExplorerView
    filterset_class = CoursePagesFilterSet
    parent_models = [CoursePage, ModulePage]


@hooks.register("register_admin_viewset")
def register_course_explorers():
    return [CoursePageViewSet("course_pages"), ModulePageViewSet("module_pages")]


# --- The admin's file API: what the person's choosers offer --------------------------------------------
# Wagtail's admin API lists every image and document, with titles, to anyone with admin access.


class ChoosableImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().filter(pk__in=permissions.images_choosable_by(self.request.user).values("pk"))


class ChoosableDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        choosable = permissions.documents_choosable_by(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=choosable)


# After Wagtail's own image and document apps have registered theirs (order 0).
@hooks.register("construct_admin_api", order=100)
def admin_file_api_to_what_choosers_offer(router):
    router.register_endpoint("images", ChoosableImagesAdminAPIViewSet)
    router.register_endpoint("documents", ChoosableDocumentsAdminAPIViewSet)


@hooks.register("construct_page_chooser_queryset")
def hide_other_courses_drafts_from_chooser(pages, request):
    """Linking to a page: learner authors see live pages and their own drafts, not other courses' drafts."""
    if permissions.is_site_editor(request.user):
        return pages
    own = Q()
    for path_prefix in permissions.courses_authored_by(request.user).values_list("path", flat=True):
        own |= Q(path__startswith=path_prefix)
    return pages.filter(Q(live=True) | Q(depth__lte=2) | own) if own else pages.filter(Q(live=True) | Q(depth__lte=2))


class CourseAuthorsButton(PageMenuItem):
    label = _("Authors and credits")
    icon_name = "group"

    def __init__(self, *, course, **kwargs):
        super().__init__(url=reverse("courses_authoring:authors", args=[course.pk]), **kwargs)
        self.course = course

    def is_shown(self, user):
        return permissions.can_view_authors(user=user, course=self.course)


@hooks.register("register_page_header_buttons")
def course_authors_button(page, user, view_name, next_url=None):
    if page.specific_class is CoursePage:
        yield CourseAuthorsButton(page=page, course=page, priority=40)


class SubmitForReviewMenuItem(SubmitForModerationMenuItem):
    """Wagtail names the action after the workflow ("Submit to Course review"); say what it does."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        workflow_state = page.current_workflow_state if page and page.pk else None
        if not (workflow_state and workflow_state.status == workflow_state.STATUS_NEEDS_CHANGES):
            context["label"] = gettext("Submit for review")
        return context


@hooks.register("construct_page_action_menu")
def label_submit_for_review(menu_items, request, context):
    page = context.get("page") if context.get("page") and context["page"].pk else context.get("parent_page")
    workflow = page.get_workflow() if page is not None else None
    # By its task rather than its name, which a site editor may change.
    if workflow is None or not CourseReviewTask.objects.filter(workflow_tasks__workflow=workflow).exists():
        return
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = SubmitForReviewMenuItem(order=item.order)


def _blocked_message(page, blockers, licence):
    people = format_html_join(
        ", ",
        "{}",
        (
            (
                format_html(
                    gettext("{name} ({role})")
                    if credit.person_id
                    else gettext("{name} ({role}, to be confirmed by a maintainer)"),
                    name=credit.name,
                    role=credit.get_role_display().lower(),
                ),
            )
            for credit in blockers
        ),
    )
    return format_html(
        gettext(
            "“{page}” can't be published yet: everyone credited must first accept the credit and the licence "
            "{licence}. Waiting for: {people}. They can accept on their “Credits to accept” page."
        ),
        page=page.get_admin_display_title(),
        licence=Licence(licence).label,
        people=people,
    )


@hooks.register("before_publish_page")
def refuse_publishing_without_consent(request, page):
    course = permissions.course_for_page(page)
    if course is None:
        return None
    # For the course itself, the licence just submitted in the form; for a module, the course's.
    licence = page.licence if isinstance(page, CoursePage) else permissions.licence_to_publish(page=page, course=course)
    blockers = permissions.publish_blockers(page=page, licence=licence)
    if not blockers:
        return None
    # The revision is already saved as a draft; only publishing is refused.
    messages.error(request, _blocked_message(page, blockers, licence))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_without_consent(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    for page in objects:
        blockers = permissions.publish_blockers(page=page)
        if blockers:
            licence = permissions.licence_to_publish(page=page, course=permissions.course_for_page(page))
            messages.error(request, _blocked_message(page, blockers, licence))
            return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_edit_page")
def warn_while_publishing_is_blocked(request, page):
    """Tell everyone working on the page, before they try, why it cannot be published yet."""
    if request.method == "GET" and permissions.course_for_page(page) is not None:
        blockers = permissions.publish_blockers(page=page)
        if blockers:
            course = permissions.course_for_page(page)
            licence = permissions.licence_to_publish(page=page, course=course)
            messages.warning(request, _blocked_message(page, blockers, licence))


@hooks.register("after_edit_page")
def ask_for_consent_to_a_new_licence(request, page):
    if isinstance(page, CoursePage):
        services.credits_consent_request(course=page, licence=page.licence, requested_by=request.user)


@hooks.register("before_delete_page")
def keep_courses_from_co_authors(request, page):
    """Wagtail lets anyone who may edit an unpublished page delete it; a whole course is its maintainers' call."""
    if page.specific_class is CoursePage and not permissions.can_manage_authors(
        user=request.user, course=CoursePage.objects.get(pk=page.pk)
    ):
        raise PermissionDenied
    return None


@hooks.register("before_serve_document")
def keep_unpublished_courses_documents_private(document, request):
    """Documents of a course nobody has published yet are its authors' working files; those of a
    private course are for its readers."""
    if not permissions.can_see_course_file(request=request, collection_id=document.collection_id):
        raise Http404
    return None


# --- Page cache ----------------------------------------------------------------------------------------


@hooks.register("before_serve_page")
def page_cache_depends_on_served_page(page, request, serve_args, serve_kwargs):
    page_served_depends(page=page, request=request)
