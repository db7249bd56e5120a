"""Site editors' screen for flags on facilitators' discussion posts (facilitators moderate everyone else's
on the site). Loaded from CohortsConfig.ready(), since Wagtail looks only at each app's own wagtail_hooks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cohorts.models import PostFlag
from p2pu.core.forms import form_submit

from . import services
from .forms import HideForm
from .services.common import is_site_editor


class FlagPermissionPolicy(ModelPermissionPolicy):
    """Site editors (who may change circles) read the flags; flags are raised and settled on the site only."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and is_site_editor(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class PostFlagViewSet(ModelViewSet):
    model = PostFlag
    icon = "warning"
    menu_label = _("Discussion flags")
    menu_order = 320
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["__str__", "post", "created_at", "resolved_at"]
    list_filter = ["reason"]
    form_fields = ["note"]
    inspect_view_fields = ["reason", "note", "created_at", "resolved_at"]


register_permission_policy(PostFlag, FlagPermissionPolicy(PostFlag))
flag_viewset = PostFlagViewSet("discussion_flags")


@hooks.register("register_admin_viewset")
def register_flag_viewset():
    return flag_viewset


def flag_hide(request, flag_id: int):
    """Hide the flagged post, with the reason its author will read."""
    if not is_site_editor(request.user):
        raise PermissionDenied
    flag = get_object_or_404(PostFlag.objects.select_related("post__thread__circle", "post__author"), pk=flag_id)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        ok, _post = form_submit(
            form, lambda data: services.post_hide(post=flag.post, by=request.user, reason=data["reason"])
        )
        if ok:
            messages.success(request, _gettext("The post is hidden; its author can see why."))
            return redirect(reverse("discussion_flags:index"))
    return TemplateResponse(request, "cohorts/discussions/admin_flag_hide.html", {"flag": flag, "form": form})


@hooks.register("register_admin_urls")
def register_flag_urls():
    return [path("discussion-flags/<int:flag_id>/hide/", flag_hide, name="discussion_flag_hide")]
