"""Facilitators' tools: hide, show again, move, lock and pin, and the queue of flags."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import PostFlag, Thread
from p2pu.core.forms import action_submit

from .. import queries, services
from ..forms import HideForm, MoveForm
from .common import (
    facilitator_circle,
    members_only,
    post_form_page,
    post_in,
    post_url,
    thread_in,
)


@members_only
@require_http_methods(["GET", "POST"])
def post_hide(request, circle_id: int, post_id: int):
    circle, _access = facilitator_circle(request, circle_id)
    post = post_in(circle, post_id)
    return post_form_page(
        request,
        circle=circle,
        post=post,
        form=HideForm(request.POST or None),
        action="hide",
        submit=lambda data: services.post_hide(post=post, by=request.user, reason=data["reason"]),
        success=_gettext("The post is hidden; its author can see why."),
    )


@members_only
@require_POST
def post_unhide(request, circle_id: int, post_id: int):
    circle, _access = facilitator_circle(request, circle_id)
    post = post_in(circle, post_id)
    shown = _gettext("The post shows again.")
    action_submit(request, lambda: services.post_unhide(post=post, by=request.user), success=shown)
    return redirect(post_url(post))


@members_only
@require_http_methods(["GET", "POST"])
def post_move(request, circle_id: int, post_id: int):
    circle, _access = facilitator_circle(request, circle_id)
    post = post_in(circle, post_id)
    return post_form_page(
        request,
        circle=circle,
        post=post,
        form=MoveForm(request.POST or None, threads=Thread.objects.filter(circle=circle).exclude(pk=post.thread_id)),
        action="move",
        submit=lambda data: services.post_move(post=post, by=request.user, to_thread=data["to_thread"]),
        success=_gettext("The post is moved."),
    )


@members_only
@require_POST
def thread_moderate(request, circle_id: int, thread_id: int, action: str):
    circle, _access = facilitator_circle(request, circle_id)
    thread = thread_in(circle, thread_id)
    lock, pin = services.thread_lock_set, services.thread_pin_set
    actions = {
        "lock": (lambda: lock(thread=thread, by=request.user, locked=True), _gettext("The thread is locked.")),
        "unlock": (lambda: lock(thread=thread, by=request.user, locked=False), _gettext("The thread is open again.")),
        "pin": (lambda: pin(thread=thread, by=request.user, pinned=True), _gettext("The thread is pinned.")),
        "unpin": (lambda: pin(thread=thread, by=request.user, pinned=False), _gettext("The thread is unpinned.")),
    }
    if action not in actions:
        raise Http404("No such action")
    run, success = actions[action]
    action_submit(request, run, success=success)
    return redirect(thread)


@members_only
def flags(request, circle_id: int):
    circle, access = facilitator_circle(request, circle_id)
    return render(
        request,
        "cohorts/discussions/flags.html",
        {"circle": circle, "access": access, "flags": list(queries.open_flags(circle=circle))},
    )


@members_only
@require_POST
def flag_dismiss(request, circle_id: int, flag_id: int):
    circle, _access = facilitator_circle(request, circle_id)
    flag = get_object_or_404(
        PostFlag.objects.select_related("post__thread__circle"), pk=flag_id, post__thread__circle=circle
    )
    action_submit(
        request, lambda: services.flag_resolve(flag=flag, by=request.user), success=_gettext("The flag is dismissed.")
    )
    return redirect(reverse("cohorts:discussions:flags", kwargs={"circle_id": circle.pk}))
