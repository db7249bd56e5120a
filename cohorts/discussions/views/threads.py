"""Reading and writing threads: the list, a thread's pages, replies, anchored threads, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _gettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Meeting, PostAttachment, Thread
from courses.models import ModulePage
from p2pu.core.forms import form_submit
from p2pu.core.middleware import wants_json
from p2pu.core.object_storage import private_file_response

from .. import permissions, queries, services
from ..forms import PostForm, SearchForm, ThreadForm
from .common import (
    json_refusal,
    member_circle,
    members_only,
    post_in,
    post_url,
    thread_in,
)


@members_only
def discussion_index(request, circle_id: int):
    circle, access = member_circle(request, circle_id)
    search = SearchForm(request.GET or None)
    words = search.cleaned_data["q"] if search.is_valid() else ""
    form = ThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        ok, thread = form_submit(
            form,
            lambda data: services.thread_create(
                circle=circle, by=request.user, title=data["title"], body=data["body"], images=data["images"]
            ),
        )
        if ok:
            return redirect(thread)
    page_obj = queries.threads_page(circle=circle, user=request.user, page=request.GET.get("page"), search=words)
    return render(
        request,
        "cohorts/discussions/index.html",
        {
            "circle": circle,
            "access": access,
            "page_obj": page_obj,
            "search_form": search or SearchForm(),
            "words": words,
            "form": form,
            "extra_query": urlencode({"q": words}) if words else "",
        },
        status=400 if form.errors else 200,
    )


@members_only
def thread_detail(request, circle_id: int, thread_id: int):
    circle, access = member_circle(request, circle_id)
    thread = thread_in(circle, thread_id)
    page_obj = queries.posts_page(thread=thread, page=request.GET.get("page"))
    last_seen = services.thread_read_mark(thread=thread, user=request.user)
    return _thread_render(request, circle, access, thread, page_obj, last_seen, PostForm())


def _thread_render(request, circle, access, thread, page_obj, last_seen, form, status=200):
    now = timezone.now()
    posts = [
        {
            "post": post,
            "shows_body": permissions.can_see_post_body(access, post),
            "is_new": last_seen is not None and post.created_at > last_seen and post.author_id != request.user.pk,
            "can_edit": permissions.can_edit(access, post, now=now),
            "can_delete": permissions.can_delete(access, post),
            "can_flag": permissions.can_flag(access, post),
        }
        for post in page_obj.object_list
    ]
    for item in posts:
        item["post"].thread = thread  # one thread for all: no query per post for its URL
    return render(
        request,
        "cohorts/discussions/thread.html",
        {
            "circle": circle,
            "access": access,
            "thread": thread,
            "page_obj": page_obj,
            "posts": posts,
            "new_count": sum(item["is_new"] for item in posts),
            "last_seen": last_seen,
            "can_post": permissions.can_post_in(access, thread),
            "can_moderate": permissions.can_moderate(access),
            "muted": queries.is_muted(thread=thread, user=request.user),
            "mentionable": queries.mentionable_members(circle=circle),
            "form": form,
            # Reversed once per page; the post template appends ids (see includes/post.html).
            "posts_base": reverse("cohorts:discussions:post", kwargs={"circle_id": circle.pk, "post_id": 0})[:-2],
            "attachments_base": reverse(
                "cohorts:discussions:attachment", kwargs={"circle_id": circle.pk, "attachment_id": 0}
            )[:-2],
            "people_base": reverse("accounts:profile", kwargs={"username": "_"})[:-2],
        },
        status=status,
    )


@members_only
@require_POST
def post_reply(request, circle_id: int, thread_id: int):
    circle, access = member_circle(request, circle_id)
    thread = thread_in(circle, thread_id)
    form = PostForm(request.POST, request.FILES)
    if wants_json(request):
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        try:
            post = services.post_create(
                thread=thread, by=request.user, body=form.cleaned_data["body"], images=form.cleaned_data["images"]
            )
        except ValidationError as error:
            return json_refusal(error)
        except PermissionDenied as error:
            return JsonResponse({"errors": [str(error)]}, status=403)
        return JsonResponse({"id": post.pk, "url": post_url(post), "html": post.body_html}, status=201)
    try:
        ok, post = form_submit(
            form,
            lambda data: services.post_create(thread=thread, by=request.user, body=data["body"], images=data["images"]),
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(thread)
    if ok:
        return redirect(post_url(post))
    page_obj = queries.posts_page(thread=thread, page="last")
    return _thread_render(request, circle, access, thread, page_obj, None, form, status=400)


@members_only
def post_link(request, circle_id: int, post_id: int):
    circle, _access = member_circle(request, circle_id)
    return redirect(post_url(post_in(circle, post_id)))


def _anchored(request, circle, access, *, meeting=None, module=None, block_id="", heading="", question=""):
    """A meeting's or a block's thread: shown when it exists, else a page to write its first post."""
    existing = (
        Thread.objects.filter(meeting=meeting).first()
        if meeting is not None
        else Thread.objects.filter(circle=circle, module=module, block_id=block_id).first()
    )
    if existing is not None and request.method == "GET":
        return redirect(existing)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        ok, post = form_submit(
            form,
            lambda data: services.anchored_post_create(
                circle=circle, by=request.user, body=data["body"], images=data["images"],
                meeting=meeting, module=module, block_id=block_id, title=question,
            ),
        )  # fmt: skip
        if ok:
            return redirect(post_url(post))
    return render(
        request,
        "cohorts/discussions/anchored_start.html",
        {"circle": circle, "access": access, "heading": heading, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@members_only
@require_http_methods(["GET", "POST"])
def meeting_thread(request, circle_id: int, meeting_id: int):
    circle, access = member_circle(request, circle_id)
    meeting = get_object_or_404(Meeting, pk=meeting_id, circle=circle)
    heading = services.meeting_thread_title(meeting)
    return _anchored(request, circle, access, meeting=meeting, heading=heading)


@members_only
@require_http_methods(["GET", "POST"])
def block_thread(request, circle_id: int, module_id: int, block_id: str):
    circle, access = member_circle(request, circle_id)
    pin = circle.pinned_modules.select_related("revision").filter(module_id=module_id).first()
    if pin is None or pin.revision is None:
        raise Http404("This module is not part of the course version the circle follows.")
    module = pin.revision.as_object()
    block = next((b for b in module.body if b.id == block_id and b.block_type == "discussion"), None)
    if block is None:
        raise Http404("No such discussion question in this module.")
    return _anchored(
        request, circle, access, module=ModulePage(pk=module_id), block_id=block_id,
        heading=_gettext("Discuss together: %(module)s") % {"module": module.title}, question=block.value["question"],
    )  # fmt: skip


@members_only
def attachment(request, circle_id: int, attachment_id: int):
    circle, access = member_circle(request, circle_id)
    item = get_object_or_404(
        PostAttachment.objects.select_related("post"), pk=attachment_id, post__thread__circle=circle
    )
    if not permissions.can_see_post_body(access, item.post):
        raise Http404("No such attachment")
    return private_file_response(
        item.image,
        filename=item.filename,
        as_attachment=False,
        content_type=item.content_type,
        cache_control="private, max-age=3600",
    )
