from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .profile_signals import display_name_changed


def _names_shown(user: User) -> tuple[str, str]:
    return user.display_name, user.get_display_name()


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

    def save_model(self, request, obj, form, change):
        # Compared with what is stored: ``obj`` already holds the form's values.
        before = User.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if before is not None and _names_shown(before) != _names_shown(obj):
            display_name_changed.send(sender=User, user=obj)
