"""Keeps learner authors to their own courses in Wagtail's admin.

Wagtail opens its reports to anyone who may add or change any page, and two of them reach past the
person's own pages: site history lists every rubric's log entries to anyone with a rubric
permission, and page types usage names the last edited page of each type across the site. Learner
authors have no use for reports, so they get none; staff keep them.

Several admin views also take any page's id and show its title before checking a permission (the
page chooser's parent, the move confirmation, the workflow-cancellation check). For a learner author
every admin URL that names a page must name one they may explore, or a live, public page.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from .permissions import is_course_author_only

#: The names Wagtail's admin URLs give a page's id.
PAGE_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")


class LearnerAuthorsOutOfReportsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reports = reverse("wagtailadmin_home") + "reports/"
        if request.path.startswith(reports) and is_course_author_only(request.user):
            raise PermissionDenied
        return self.get_response(request)


class LearnerAuthorsToTheirPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        page_ids = {view_kwargs[name] for name in PAGE_ARGUMENTS if name in view_kwargs}
        if not page_ids or not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        # Without admin access Wagtail sends the person to its login page, as it should.
        if not is_course_author_only(request.user) or not request.user.has_perm("wagtailadmin.access_admin"):
            return None
        visible = PagePermissionPolicy().explorable_instances(request.user) | Page.objects.live().public()
        if visible.filter(pk__in=page_ids).count() < len(page_ids):
            raise Http404
        return None
