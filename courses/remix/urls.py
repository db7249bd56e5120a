"""Remix pages on the site, mounted at /courses/remix/ by courses.urls (so "remix" is a reserved course
slug). The remix family, /courses/<course>/remixes/, is a route of the course page itself
(``CoursePage.remix_family_url``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("course/<int:course_id>/", views.course_remix, name="remix"),
    path("course/<int:course_id>/translate/", views.course_translate, name="translate"),
    path("course/<int:course_id>/sources/", views.course_sources, name="remix_sources"),
    path("module/<int:module_id>/", views.module_import, name="remix_module"),
    path("links/<int:derivation_id>/compare/", views.derivation_compare, name="remix_compare"),
    path("links/<int:derivation_id>/upstream/", views.derivation_upstream, name="remix_upstream"),
    path("credits/", views.remix_credits, name="remix_credits"),
    path("credits/<int:credit_id>/", views.remix_credit_set, name="remix_credit_set"),
]
