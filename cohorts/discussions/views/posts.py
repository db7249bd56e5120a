"""One post: its author edits or deletes it, members flag it, and anyone muting a thread."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Thread
from p2pu.core.forms import action_submit

from .. import permissions, services
from ..forms import EditForm, FlagForm
from .common import (
    member_circle,
    members_only,
    post_form_page,
    post_in,
    post_url,
    thread_in,
)


@members_only
@require_http_methods(["GET", "POST"])
def post_edit(request, circle_id: int, post_id: int):
    circle, access = member_circle(request, circle_id)
    post = post_in(circle, post_id)
    if not permissions.can_edit(access, post, now=timezone.now()):
        messages.error(request, _gettext("Posts can be changed by their author only, for a while after writing them."))
        return redirect(post_url(post))
    return post_form_page(
        request,
        circle=circle,
        post=post,
        form=EditForm(request.POST or None, initial={"body": post.body}),
        action="edit",
        submit=lambda data: services.post_edit(post=post, by=request.user, body=data["body"]),
    )


@members_only
@require_http_methods(["GET", "POST"])
def post_delete(request, circle_id: int, post_id: int):
    circle, _access = member_circle(request, circle_id)
    post = post_in(circle, post_id)
    deleted = _gettext("Your post is deleted.")
    if request.method == "POST" and action_submit(
        request, lambda: services.post_delete(post=post, by=request.user), success=deleted
    ):
        return redirect(post_url(post))
    return render(request, "cohorts/discussions/post_delete.html", {"circle": circle, "post": post})


@members_only
@require_http_methods(["GET", "POST"])
def post_flag(request, circle_id: int, post_id: int):
    circle, access = member_circle(request, circle_id)
    post = post_in(circle, post_id)
    return post_form_page(
        request,
        circle=circle,
        post=post,
        form=FlagForm(request.POST or None),
        action="flag",
        submit=lambda data: services.post_flag(post=post, by=request.user, reason=data["reason"], note=data["note"]),
        success=_gettext("Thank you. The moderators will look at the post."),
    )


@members_only
@require_POST
def thread_mute(request, circle_id: int, thread_id: int):
    circle, _access = member_circle(request, circle_id)
    thread = thread_in(circle, thread_id)
    muted = request.POST.get("muted") == "1"
    services.thread_mute_set(thread=thread, user=request.user, muted=muted)
    if muted:
        messages.success(request, _gettext("You will no longer be notified about this thread."))
    else:
        messages.success(request, _gettext("You will be notified about this thread again."))
    return redirect(thread)


# The signed token is the credential: mail clients may POST here without a session or a CSRF token (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def thread_mute_by_link(request, circle_id: int, token: str):
    try:
        user_id, thread_id = services.thread_mute_token_read(token=token, max_age=settings.SIGNED_LINK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "cohorts/discussions/mute.html", {"invalid": True}, status=400)
    thread = Thread.objects.filter(pk=thread_id, circle_id=circle_id).first()
    person = thread and thread.circle.memberships.active().filter(user_id=user_id).select_related("user").first()
    if thread is None or person is None:
        raise Http404("No such discussion")
    if request.method == "POST":
        services.thread_mute_set(thread=thread, user=person.user, muted=True)
    return render(
        request, "cohorts/discussions/mute.html", {"thread": thread, "done": request.method == "POST", "token": token}
    )
