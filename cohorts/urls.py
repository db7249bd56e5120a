from django.urls import include, path

from .feeds import MeetingChangesFeed
from .views import circle, discovery, manage, meetings, rsvp

app_name = "cohorts"

urlpatterns = [
    path("", discovery.circle_list, name="list"),
    path("start/<int:course_id>/", manage.circle_start, name="start"),
    path("invite/<str:token>/", circle.invite_link, name="invite_link"),
    path("rsvp/<str:token>/", rsvp.rsvp_link, name="rsvp_link"),
    path("ratings/", include("cohorts.ratings.urls")),
    path("<int:circle_id>/", circle.circle_detail, name="detail"),
    path("<int:circle_id>/calendar.ics", circle.circle_calendar, name="calendar"),
    path("<int:circle_id>/changes/link/", circle.changes_feed_link, name="changes_feed_link"),
    path("<int:circle_id>/changes/<str:token>.atom", MeetingChangesFeed(), name="changes_feed"),
    path("<int:circle_id>/edit/", manage.circle_edit, name="edit"),
    path("<int:circle_id>/publish/", manage.circle_publish, name="publish"),
    path("<int:circle_id>/cancel/", manage.circle_cancel, name="cancel"),
    path("<int:circle_id>/join/", circle.circle_join, name="join"),
    path("<int:circle_id>/leave/", circle.circle_leave, name="leave"),
    path("<int:circle_id>/invitation/decline/", circle.invitation_decline, name="invitation_decline"),
    path("<int:circle_id>/manage/", manage.circle_manage, name="manage"),
    path("<int:circle_id>/manage/audit/", manage.circle_audit, name="audit"),
    path("<int:circle_id>/message/", manage.circle_message, name="message"),
    path("<int:circle_id>/course-version/", manage.course_version_update, name="course_version_update"),
    path("<int:circle_id>/invite/", manage.invite_person, name="invite_person"),
    path("<int:circle_id>/invite-links/", manage.invite_link_create, name="invite_link_create"),
    path("<int:circle_id>/share-link/reset/", manage.share_link_reset, name="share_link_reset"),
    path("<int:circle_id>/invite-links/<int:link_id>/revoke/", manage.invite_link_revoke, name="invite_link_revoke"),
    path(
        "<int:circle_id>/members/<int:membership_id>/<slug:action>/",
        manage.membership_action,
        name="membership_action",
    ),
    path("<int:circle_id>/modules/<int:module_id>/", circle.pinned_module, name="module"),
    path("<int:circle_id>/meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("<int:circle_id>/meetings/<int:meeting_id>/move/", meetings.meeting_move, name="meeting_move"),
    path("<int:circle_id>/meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<int:circle_id>/meetings/<int:meeting_id>/module/", meetings.meeting_module, name="meeting_module"),
    path(
        "<int:circle_id>/meetings/<int:meeting_id>/attendance/",
        meetings.meeting_attendance,
        name="meeting_attendance",
    ),
    path("<int:circle_id>/meetings/<int:meeting_id>/feedback/", meetings.meeting_feedback, name="meeting_feedback"),
    path("<int:circle_id>/meetings/<int:meeting_id>/rsvp/", rsvp.meeting_rsvp, name="meeting_rsvp"),
    path("<int:circle_id>/", include("cohorts.review.urls")),
    path("<int:circle_id>/discussion/", include("cohorts.discussions.urls")),
    path("<int:circle_id>/", include("cohorts.surveys.urls")),
]
