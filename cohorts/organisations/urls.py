from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("new/", views.organisation_create, name="new"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/members/", views.organisation_members, name="members"),
    path("<slug:slug>/members/<int:member_id>/<slug:action>/", views.member_action, name="member_action"),
    path("<slug:slug>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/join/", views.organisation_join, name="join"),
    path("<slug:slug>/leave/", views.organisation_leave, name="leave"),
]
