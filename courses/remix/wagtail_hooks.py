"""The remix rules in the Wagtail admin: publishing a course or module is refused while its licence is
not one its sources allow, or while an adaptation says nothing about what it changed; editors are
told why before they try; and a course's editors reach its sources page from the page header.

These hooks sit beside the authoring ones in courses.wagtail_hooks (credit consent); the review
workflow's approval checks the same rules (courses.review_rules).
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.menus.pages import PageMenuItem

from .. import permissions
from ..derivations import verbatim_link
from ..models import CoursePage, ModulePage
from .queries import publish_refusals


def _refusal_message(page, refusals):
    return format_html(
        _("“{page}” can't be published yet: {reasons}"),
        page=page.get_admin_display_title(),
        reasons=format_html_join(" ", "{}", ((refusal,) for refusal in refusals)),
    )


@hooks.register("before_publish_page")
def refuse_publishing_against_the_sources(request, page):
    refusals = publish_refusals(page)
    if not refusals:
        return None
    # The revision is already saved as a draft; only publishing is refused.
    messages.error(request, _refusal_message(page, refusals))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_against_the_sources(request, action_type, objects, action_class_instance):
    if action_type != "publish":
        return None
    for page in objects:
        version = page.get_latest_revision_as_object()
        refusals = publish_refusals(version)
        if refusals:
            messages.error(request, _refusal_message(version, refusals))
            return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_edit_page")
def tell_editors_about_the_sources(request, page):
    if request.method != "GET" or page.specific_class not in (CoursePage, ModulePage):
        return None
    version = page.get_latest_revision_as_object()
    if page.specific_class is ModulePage:
        original = verbatim_link(page)
        if original is not None:
            messages.warning(
                request,
                _(
                    "“%(page)s” is included verbatim from “%(source)s”: its text stays as its authors wrote it, so "
                    "changes to it are not kept."
                )
                % {"page": page.get_admin_display_title(), "source": original.title},
            )
    refusals = publish_refusals(version)
    if refusals:
        messages.warning(request, _refusal_message(version, refusals))
    return None


class CourseSourcesButton(PageMenuItem):
    label = gettext_lazy("Sources and licence")
    icon_name = "link"

    def __init__(self, *, course, **kwargs):
        super().__init__(url=reverse("courses:remix_sources", args=[course.pk]), **kwargs)
        self.course = course

    def is_shown(self, user):
        return permissions.can_edit_course(user=user, course=self.course)


@hooks.register("register_page_header_buttons")
def course_sources_button(page, user, view_name, next_url=None):
    if page.specific_class is CoursePage:
        yield CourseSourcesButton(page=page, course=page, priority=45)
