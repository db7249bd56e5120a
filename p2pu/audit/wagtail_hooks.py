"""Site editors search the audit trail in the Wagtail admin: read-only, filtered by action, date and place."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import actions
from .models import AuditEntry


class AuditPermissionPolicy(ModelPermissionPolicy):
    """Read only, for people with the "view audit entry" permission (superusers have it): entries are
    written by the services that make the changes, never added, edited or deleted by hand."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("What"), choices=actions.choices)
    created_at = django_filters.DateFromToRangeFilter(label=_("When"), widget=DateRangePickerWidget)
    actor = django_filters.CharFilter(label=_("Who (username)"), field_name="actor__username", lookup_expr="iexact")
    target = django_filters.CharFilter(
        label=_("On whom (username)"), field_name="target__username", lookup_expr="iexact"
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "created_at", "actor", "target"]


class AuditEntryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return AuditEntry.objects.for_listing()


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    filterset_class = AuditEntryFilterSet
    # Never shown: the permission policy refuses adding and editing; Wagtail needs a form to build its URLs.
    form_fields = ["reason"]
    list_display = ["action_label", "actor_name", "target_name", "scope_label", "reason", "created_at"]
    search_fields = ["reason", "scope_label", "actor__username", "target__username", "action"]
    inspect_view_fields = [
        "created_at",
        "action_label",
        "actor_name",
        "target_name",
        "subject_type",
        "subject_id",
        "scope_label",
        "reason",
    ]

    index_view_class = AuditEntryIndexView


register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet("audit")
