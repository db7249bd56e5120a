"""Loading a circle for a request, with what the person may do in it: the views' one way in.

A circle the person may not see answers 404, so an unlisted or draft circle's existence is not
revealed; one they may see but not act in answers 403 with the reason.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Circle
from .permissions import CircleAccess, circle_access


def circle_for_viewer(request, circle_id: int, *, holds_link: bool = False) -> tuple[Circle, CircleAccess]:
    """The circle and the viewer's access to it; 404 unless they may see it (a share key counts)."""
    circle = get_object_or_404(Circle.objects.select_related("course"), pk=circle_id)
    key = request.GET.get("key") or request.POST.get("key") or ""
    access = circle_access(user=request.user, circle=circle, key=key, holds_link=holds_link)
    if not access.can_view:
        raise Http404("No such circle")
    return circle, access


def circle_for_member(request, circle_id: int, *, refusal: str) -> tuple[Circle, CircleAccess]:
    """As ``circle_for_viewer``, and 403 with ``refusal`` unless the viewer is an active member."""
    circle, access = circle_for_viewer(request, circle_id)
    if not access.is_member:
        raise PermissionDenied(refusal)
    return circle, access


def circle_for_manager(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    """As ``circle_for_viewer``, and 403 unless the viewer facilitates the circle."""
    circle, access = circle_for_viewer(request, circle_id)
    if not access.can_manage:
        raise PermissionDenied(_("Only this circle's facilitators can do that."))
    return circle, access
