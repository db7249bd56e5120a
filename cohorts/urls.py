from django.urls import include, path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("", views.circle_list, name="list"),
    path("start/<int:course_id>/", views.circle_start, name="start"),
    path("invite/<str:token>/", views.invite_link, name="invite_link"),
    path("<int:circle_id>/", views.circle_detail, name="detail"),
    path("<int:circle_id>/calendar.ics", views.circle_calendar, name="calendar"),
    path("<int:circle_id>/edit/", views.circle_edit, name="edit"),
    path("<int:circle_id>/publish/", views.circle_publish, name="publish"),
    path("<int:circle_id>/cancel/", views.circle_cancel, name="cancel"),
    path("<int:circle_id>/join/", views.circle_join, name="join"),
    path("<int:circle_id>/leave/", views.circle_leave, name="leave"),
    path("<int:circle_id>/invitation/decline/", views.invitation_decline, name="invitation_decline"),
    path("<int:circle_id>/manage/", views.circle_manage, name="manage"),
    path("<int:circle_id>/message/", views.circle_message, name="message"),
    path("<int:circle_id>/course-version/", views.course_version_update, name="course_version_update"),
    path("<int:circle_id>/invite/", views.invite_person, name="invite_person"),
    path("<int:circle_id>/invite-links/", views.invite_link_create, name="invite_link_create"),
    path("<int:circle_id>/invite-links/<int:link_id>/revoke/", views.invite_link_revoke, name="invite_link_revoke"),
    path(
        "<int:circle_id>/members/<int:membership_id>/<slug:action>/",
        views.membership_action,
        name="membership_action",
    ),
    path("<int:circle_id>/modules/<int:module_id>/", views.pinned_module, name="module"),
    path("<int:circle_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("<int:circle_id>/meetings/<int:meeting_id>/move/", views.meeting_move, name="meeting_move"),
    path("<int:circle_id>/meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:circle_id>/meetings/<int:meeting_id>/module/", views.meeting_module, name="meeting_module"),
    path("<int:circle_id>/meetings/<int:meeting_id>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("<int:circle_id>/meetings/<int:meeting_id>/feedback/", views.meeting_feedback, name="meeting_feedback"),
    path("<int:circle_id>/", include("cohorts.review.urls")),
    path("<int:circle_id>/discussion/", include("cohorts.discussions.urls")),
]
