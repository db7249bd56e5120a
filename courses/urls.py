"""Authoring pages on the site, under /courses/ (mounted before Wagtail's page serving in p2pu.urls).

Their first path segments are reserved: courses.services.RESERVED_COURSE_SLUGS keeps a new
course's slug from shadowing them.
"""

from django.urls import include, path

from . import authoring_views
from .feeds import CourseFeed
from .imports.views import course_import_view

app_name = "courses"

urlpatterns = [
    path("start/", authoring_views.course_start, name="start"),
    path("start/import/", course_import_view, name="import"),
    path("credits/", authoring_views.credits_to_accept, name="credits"),
    path("credits/<int:credit_id>/accept/", authoring_views.credit_accept, name="credit_accept"),
    path("credits/<int:credit_id>/decline/", authoring_views.credit_decline, name="credit_decline"),
    path("invitations/<uuid:token>/", authoring_views.invitation, name="invitation"),
    path("remix/", include("courses.remix.urls")),
    path("<slug:course_slug>/export/", include("courses.exports.urls")),
    # ".atom" cannot be part of a page slug, so no course or module is shadowed.
    path("feeds/<str:kind>.atom", CourseFeed(), name="feed"),
]

#: Mounted under /admin/ by the register_admin_urls hook, so Wagtail's admin-access check applies.
admin_urlpatterns = [
    path("<int:course_id>/authors/", authoring_views.CourseAuthorsView.as_view(), name="authors"),
    path(
        "<int:course_id>/authors/<int:credit_id>/remove/",
        authoring_views.course_credit_remove,
        name="credit_remove",
    ),
    path(
        "<int:course_id>/authors/<int:credit_id>/confirm/",
        authoring_views.course_credit_confirm,
        name="credit_confirm",
    ),
    path(
        "<int:course_id>/invitations/<int:invitation_id>/revoke/",
        authoring_views.course_invitation_revoke,
        name="invitation_revoke",
    ),
]
