"""Keeps learner authors out of the admin's reports.

Wagtail opens its reports to anyone who may add or change any page, and two of them reach past the
person's own pages: site history lists every rubric's log entries to anyone with a rubric
permission, and page types usage names the last edited page of each type across the site. Learner
authors have no use for reports, so they get none; staff keep them.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .permissions import is_course_author_only


class LearnerAuthorsOutOfReportsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reports = reverse("wagtailadmin_home") + "reports/"
        if request.path.startswith(reports) and is_course_author_only(request.user):
            raise PermissionDenied
        return self.get_response(request)
