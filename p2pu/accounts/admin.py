from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    profile_fields = (
        "display_name",
        "bio",
        "time_zone",
        "preferred_language",
        "languages",
        "show_bio",
        "show_languages",
        "show_time_zone",
    )
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Profile"), {"fields": profile_fields}),)
    list_display = ("username", "display_name", "email", "is_active", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")
