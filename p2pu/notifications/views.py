from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import kinds, services
from .forms import PreferencesForm
from .models import Notification


def _safe_redirect(request, url: str, *, fallback: str):
    """Follow only links to this site, so a notification or a ``next`` value can't send people elsewhere."""
    allowed_hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed_hosts, require_https=request.is_secure()):
        # A plain redirect: ``redirect()`` would read a value such as "-1" as a view name and fail.
        return HttpResponseRedirect(url)
    return redirect(fallback)


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    page_obj = Paginator(notifications, settings.NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page_obj})


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    return _safe_redirect(request, request.POST.get("next", ""), fallback=reverse("notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def open_notification(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    return _safe_redirect(request, notification.url, fallback=reverse("notifications:list"))


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None, kinds=kinds.all_kinds(), chosen=services.preferences_get(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, frequencies=form.frequencies())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The signed token is the credential: mail clients POST here without a session or a CSRF token (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            unsubscription = services.unsubscribe(token=token)
            template = "notifications/unsubscribe_done.html"
        else:
            unsubscription = services.unsubscribe_token_read(token=token)
            template = "notifications/unsubscribe_confirm.html"
    except signing.SignatureExpired:
        return render(request, "notifications/unsubscribe_invalid.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", {"expired": False}, status=400)
    return render(request, template, {"unsubscription": unsubscription})
