"""Peer review pages, under /circles/<circle_id>/ (included from cohorts.urls as ``cohorts:review``)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("reviews/", views.overview, name="overview"),
    path("reviews/settings/", views.review_settings, name="settings"),
    path("reviews/<int:assignment_id>/", views.review_page, name="review"),
    path("reviews/<int:assignment_id>/save/", views.review_save, name="review_save"),
    path("work/<int:module_id>/<str:activity_id>/", views.activity_page, name="activity"),
    path("work/<int:module_id>/<str:activity_id>/submit/", views.activity_submit, name="activity_submit"),
    path("work/<int:module_id>/<str:activity_id>/review-next/", views.request_next, name="request_next"),
    path("work/<int:module_id>/<str:activity_id>/settings/", views.activity_settings, name="activity_settings"),
    path("submissions/<int:submission_id>/", views.submission_page, name="submission"),
    path("submissions/<int:submission_id>/versions/<int:number>/file/", views.submission_file, name="file"),
    path("submissions/<int:submission_id>/take/", views.submission_take, name="take"),
    path("submissions/<int:submission_id>/release/", views.submission_release, name="release"),
    path("feedback/<int:review_id>/rate/", views.review_rate, name="rate"),
    path("feedback/<int:review_id>/flag/", views.review_flag, name="flag"),
    path("activities/<int:activity_pk>/progress/", views.progress, name="progress"),
    path("activities/<int:activity_pk>/progress.csv", views.progress_csv, name="progress_csv"),
    path("activities/<int:activity_pk>/allocate/", views.allocate, name="allocate"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:flag_id>/", views.flag_resolve, name="resolve"),
]
