"""What every discussion page shares: the members-only gate (404 for everyone else) and small helpers."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _gettext

from cohorts.access import circle_for_viewer
from cohorts.models import Post, Thread
from p2pu.core.forms import form_submit
from p2pu.core.rate_limits import RateLimited

from .. import permissions, queries


def member_circle(request, circle_id: int):
    """The circle and the viewer's access; 404 unless they are an active member (loaded once per request)."""
    loaded = getattr(request, "_discussion_circle", None)
    if loaded is not None and loaded[0].pk == circle_id:
        return loaded
    try:
        circle, access = circle_for_viewer(request, circle_id)
    except Http404:
        raise Http404("No such discussion") from None
    if not permissions.can_take_part(access):
        raise Http404("No such discussion")
    request._discussion_circle = (circle, access)
    return circle, access


def members_only(view):
    """Refuse outsiders with 404 before anything else (a wrong method included), so no URL tells them more."""

    @functools.wraps(view)
    def checked(request, circle_id: int, **kwargs):
        member_circle(request, circle_id)
        return view(request, circle_id, **kwargs)

    return checked


def thread_in(circle, thread_id: int) -> Thread:
    return get_object_or_404(Thread.objects.select_related("meeting"), pk=thread_id, circle=circle)


def post_in(circle, post_id: int) -> Post:
    return get_object_or_404(Post.objects.select_related("thread", "author"), pk=post_id, thread__circle=circle)


def json_refusal(error: ValidationError):
    status = 429 if isinstance(error, RateLimited) else 400
    response = JsonResponse({"errors": error.messages}, status=status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def post_url(post: Post) -> str:
    page = queries.page_of_post(post)
    return f"{post.thread.get_absolute_url()}?page={page}#post-{post.pk}"


def facilitator_circle(request, circle_id: int):
    circle, access = member_circle(request, circle_id)
    if not permissions.can_moderate(access):
        raise PermissionDenied(_gettext("Only this circle's facilitators can do that."))
    return circle, access


def post_form_page(request, *, circle, post, form, action: str, submit, success: str = ""):
    """A form about one post (edit, flag, hide, move): on a valid POST call ``submit(cleaned_data)`` and
    go back to the post, saying ``success``; otherwise show the form, with 400 when it has errors."""
    if request.method == "POST":
        ok, result = form_submit(form, submit)
        if ok:
            if success:
                messages.success(request, success)
            return redirect(post_url(result if isinstance(result, Post) else post))
    context = {"circle": circle, "post": post, "form": form, "action": action}
    return render(request, "cohorts/discussions/post_form.html", context, status=400 if form.errors else 200)
