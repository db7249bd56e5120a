from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("people/<str:username>/", views.profile, name="profile"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("settings/delete/", views.account_delete, name="account_delete"),
    path("settings/data/", views.data_export, name="data_export"),
    path("settings/data/<str:token>/", views.data_export_download, name="data_export_download"),
]
