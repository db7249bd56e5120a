"""Peer review pages, under /circles/<circle_id>/ (included from cohorts.urls as ``cohorts:review``)."""

from django.urls import path

from .views import activity, appeals, conversation, facilitation, moderation, practice, reviewing, submission

app_name = "review"

urlpatterns = [
    path("reviews/", activity.overview, name="overview"),
    path("reviews/settings/", facilitation.review_settings, name="settings"),
    path("reviews/<int:assignment_id>/", reviewing.review_page, name="review"),
    path("reviews/<int:assignment_id>/save/", reviewing.review_save, name="review_save"),
    path("work/<int:module_id>/<str:activity_id>/", activity.activity_page, name="activity"),
    path("work/<int:module_id>/<str:activity_id>/submit/", activity.activity_submit, name="activity_submit"),
    path("work/<int:module_id>/<str:activity_id>/review-next/", activity.request_next, name="request_next"),
    path("work/<int:module_id>/<str:activity_id>/settings/", facilitation.activity_settings, name="activity_settings"),
    path("work/<int:module_id>/<str:activity_id>/calibration/", practice.calibration, name="calibration"),
    path(
        "work/<int:module_id>/<str:activity_id>/calibration/new/",
        practice.calibration_example_new,
        name="calibration_example_new",
    ),
    path(
        "work/<int:module_id>/<str:activity_id>/calibration/<int:example_id>/",
        practice.calibration_example,
        name="calibration_example",
    ),
    path(
        "work/<int:module_id>/<str:activity_id>/calibration/<int:example_id>/edit/",
        practice.calibration_example_edit,
        name="calibration_example_edit",
    ),
    path("submissions/<int:submission_id>/", submission.submission_page, name="submission"),
    path("submissions/<int:submission_id>/self-assessment/", practice.self_assessment_save, name="self_assessment"),
    path("submissions/<int:submission_id>/versions/<int:number>/file/", submission.submission_file, name="file"),
    path("submissions/<int:submission_id>/take/", facilitation.submission_take, name="take"),
    path("submissions/<int:submission_id>/release/", facilitation.submission_release, name="release"),
    path("feedback/<int:review_id>/rate/", reviewing.review_rate, name="rate"),
    path("feedback/<int:review_id>/flag/", reviewing.review_flag, name="flag"),
    path("activities/<int:activity_pk>/progress/", facilitation.progress, name="progress"),
    path("activities/<int:activity_pk>/progress.csv", facilitation.progress_csv, name="progress_csv"),
    path("activities/<int:activity_pk>/allocate/", facilitation.allocate, name="allocate"),
    path("moderation/", moderation.moderation, name="moderation"),
    path("moderation/<int:flag_id>/", moderation.flag_resolve, name="resolve"),
    # Inline comments on passages, their threads and flags.
    path("reviews/<int:assignment_id>/comments/", conversation.inline_add, name="comment_add"),
    path("comments/<int:comment_id>/reply/", conversation.inline_reply, name="comment_reply"),
    path("comments/<int:comment_id>/flag/", conversation.inline_flag, name="comment_flag"),
    path("moderation/comments/", conversation.comment_flags, name="comment_flags"),
    path("moderation/comments/<int:flag_id>/", conversation.inline_flag_resolve, name="comment_flag_resolve"),
    # Final scores and appeals.
    path("submissions/<int:submission_id>/appeal/", appeals.appeal_raise, name="appeal"),
    path("submissions/<int:submission_id>/final-score/", appeals.final_score, name="final_score"),
    path("appeals/", appeals.appeals, name="appeals"),
    path("appeals/<int:appeal_id>/", appeals.appeal_resolve, name="appeal_resolve"),
]
