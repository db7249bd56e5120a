from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("", views.discussion_index, name="index"),
    path("threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("threads/<int:thread_id>/reply/", views.post_reply, name="reply"),
    path("threads/<int:thread_id>/mute/", views.thread_mute, name="thread_mute"),
    path("threads/<int:thread_id>/<slug:action>/", views.thread_moderate, name="thread_moderate"),
    path("meetings/<int:meeting_id>/", views.meeting_thread, name="meeting"),
    path("modules/<int:module_id>/blocks/<str:block_id>/", views.block_thread, name="block"),
    path("posts/<int:post_id>/", views.post_link, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/flag/", views.post_flag, name="post_flag"),
    path("posts/<int:post_id>/hide/", views.post_hide, name="post_hide"),
    path("posts/<int:post_id>/unhide/", views.post_unhide, name="post_unhide"),
    path("posts/<int:post_id>/move/", views.post_move, name="post_move"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:flag_id>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("mute/<str:token>/", views.thread_mute_by_link, name="mute"),
]
