"""Pages of a circle's discussion. Every one answers 404 to anyone but an active member of the circle,
so a discussion's existence, its threads and its attachments are told to nobody else."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.access import circle_for_viewer
from cohorts.models import Meeting, Post, PostAttachment, PostFlag, Thread
from courses.models import ModulePage
from p2pu.core.forms import action_submit, form_submit

from . import permissions, queries, services
from .forms import EditForm, FlagForm, HideForm, MoveForm, PostForm, SearchForm, ThreadForm
from .rate_limits import RateLimited


def _member_circle(request, circle_id: int):
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
        _member_circle(request, circle_id)
        return view(request, circle_id, **kwargs)

    return checked


def _thread(circle, thread_id: int) -> Thread:
    return get_object_or_404(Thread.objects.select_related("meeting"), pk=thread_id, circle=circle)


def _post(circle, post_id: int) -> Post:
    return get_object_or_404(Post.objects.select_related("thread", "author"), pk=post_id, thread__circle=circle)


def _wants_json(request) -> bool:
    return request.accepts("application/json") and not request.accepts("text/html")


def _json_refusal(error: ValidationError):
    status = 429 if isinstance(error, RateLimited) else 400
    response = JsonResponse({"errors": error.messages}, status=status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _post_url(post: Post) -> str:
    page = queries.page_of_post(post)
    return f"{post.thread.get_absolute_url()}?page={page}#post-{post.pk}"


@members_only
def discussion_index(request, circle_id: int):
    circle, access = _member_circle(request, circle_id)
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
    circle, access = _member_circle(request, circle_id)
    thread = _thread(circle, thread_id)
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
    circle, access = _member_circle(request, circle_id)
    thread = _thread(circle, thread_id)
    form = PostForm(request.POST, request.FILES)
    if _wants_json(request):
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        try:
            post = services.post_create(
                thread=thread, by=request.user, body=form.cleaned_data["body"], images=form.cleaned_data["images"]
            )
        except ValidationError as error:
            return _json_refusal(error)
        except PermissionDenied as error:
            return JsonResponse({"errors": [str(error)]}, status=403)
        return JsonResponse({"id": post.pk, "url": _post_url(post), "html": post.body_html}, status=201)
    try:
        ok, post = form_submit(
            form,
            lambda data: services.post_create(thread=thread, by=request.user, body=data["body"], images=data["images"]),
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(thread)
    if ok:
        return redirect(_post_url(post))
    page_obj = queries.posts_page(thread=thread, page="last")
    return _thread_render(request, circle, access, thread, page_obj, None, form, status=400)


@members_only
def post_link(request, circle_id: int, post_id: int):
    circle, _access = _member_circle(request, circle_id)
    return redirect(_post_url(_post(circle, post_id)))


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
            return redirect(_post_url(post))
    return render(
        request,
        "cohorts/discussions/anchored_start.html",
        {"circle": circle, "access": access, "heading": heading, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@members_only
@require_http_methods(["GET", "POST"])
def meeting_thread(request, circle_id: int, meeting_id: int):
    circle, access = _member_circle(request, circle_id)
    meeting = get_object_or_404(Meeting, pk=meeting_id, circle=circle)
    heading = services.meeting_thread_title(meeting)
    return _anchored(request, circle, access, meeting=meeting, heading=heading)


@members_only
@require_http_methods(["GET", "POST"])
def block_thread(request, circle_id: int, module_id: int, block_id: str):
    circle, access = _member_circle(request, circle_id)
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
@require_http_methods(["GET", "POST"])
def post_edit(request, circle_id: int, post_id: int):
    circle, access = _member_circle(request, circle_id)
    post = _post(circle, post_id)
    if not permissions.can_edit(access, post, now=timezone.now()):
        messages.error(request, _gettext("Posts can be changed by their author only, for a while after writing them."))
        return redirect(_post_url(post))
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST":
        ok, post = form_submit(form, lambda data: services.post_edit(post=post, by=request.user, body=data["body"]))
        if ok:
            return redirect(_post_url(post))
    return render(
        request, "cohorts/discussions/post_form.html",
        {"circle": circle, "post": post, "form": form, "action": "edit"}, status=400 if form.errors else 200,
    )  # fmt: skip


@members_only
@require_http_methods(["GET", "POST"])
def post_delete(request, circle_id: int, post_id: int):
    circle, _access = _member_circle(request, circle_id)
    post = _post(circle, post_id)
    deleted = _gettext("Your post is deleted.")
    if request.method == "POST" and action_submit(
        request, lambda: services.post_delete(post=post, by=request.user), success=deleted
    ):
        return redirect(_post_url(post))
    return render(request, "cohorts/discussions/post_delete.html", {"circle": circle, "post": post})


@members_only
@require_http_methods(["GET", "POST"])
def post_flag(request, circle_id: int, post_id: int):
    circle, access = _member_circle(request, circle_id)
    post = _post(circle, post_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        ok, _flag = form_submit(
            form,
            lambda data: services.post_flag(post=post, by=request.user, reason=data["reason"], note=data["note"]),
        )
        if ok:
            messages.success(request, _gettext("Thank you. The moderators will look at the post."))
            return redirect(_post_url(post))
    return render(
        request, "cohorts/discussions/post_form.html",
        {"circle": circle, "post": post, "form": form, "action": "flag"}, status=400 if form.errors else 200,
    )  # fmt: skip


def _facilitator_circle(request, circle_id: int):
    circle, access = _member_circle(request, circle_id)
    if not permissions.can_moderate(access):
        raise PermissionDenied(_gettext("Only this circle's facilitators can do that."))
    return circle, access


@members_only
@require_http_methods(["GET", "POST"])
def post_hide(request, circle_id: int, post_id: int):
    circle, _access = _facilitator_circle(request, circle_id)
    post = _post(circle, post_id)
    form = HideForm(request.POST or None)
    if request.method == "POST":
        ok, _hidden = form_submit(
            form, lambda data: services.post_hide(post=post, by=request.user, reason=data["reason"])
        )
        if ok:
            messages.success(request, _gettext("The post is hidden; its author can see why."))
            return redirect(_post_url(post))
    return render(
        request, "cohorts/discussions/post_form.html",
        {"circle": circle, "post": post, "form": form, "action": "hide"}, status=400 if form.errors else 200,
    )  # fmt: skip


@members_only
@require_POST
def post_unhide(request, circle_id: int, post_id: int):
    circle, _access = _facilitator_circle(request, circle_id)
    post = _post(circle, post_id)
    shown = _gettext("The post shows again.")
    action_submit(request, lambda: services.post_unhide(post=post, by=request.user), success=shown)
    return redirect(_post_url(post))


@members_only
@require_http_methods(["GET", "POST"])
def post_move(request, circle_id: int, post_id: int):
    circle, _access = _facilitator_circle(request, circle_id)
    post = _post(circle, post_id)
    form = MoveForm(request.POST or None, threads=Thread.objects.filter(circle=circle).exclude(pk=post.thread_id))
    if request.method == "POST":
        ok, post = form_submit(
            form, lambda data: services.post_move(post=post, by=request.user, to_thread=data["to_thread"])
        )
        if ok:
            messages.success(request, _gettext("The post is moved."))
            return redirect(_post_url(post))
    return render(
        request, "cohorts/discussions/post_form.html",
        {"circle": circle, "post": post, "form": form, "action": "move"}, status=400 if form.errors else 200,
    )  # fmt: skip


@members_only
@require_POST
def thread_moderate(request, circle_id: int, thread_id: int, action: str):
    circle, _access = _facilitator_circle(request, circle_id)
    thread = _thread(circle, thread_id)
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
@require_POST
def thread_mute(request, circle_id: int, thread_id: int):
    circle, _access = _member_circle(request, circle_id)
    thread = _thread(circle, thread_id)
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


@members_only
def flags(request, circle_id: int):
    circle, access = _facilitator_circle(request, circle_id)
    return render(
        request,
        "cohorts/discussions/flags.html",
        {"circle": circle, "access": access, "flags": list(queries.open_flags(circle=circle))},
    )


@members_only
@require_POST
def flag_dismiss(request, circle_id: int, flag_id: int):
    circle, _access = _facilitator_circle(request, circle_id)
    flag = get_object_or_404(
        PostFlag.objects.select_related("post__thread__circle"), pk=flag_id, post__thread__circle=circle
    )
    action_submit(
        request, lambda: services.flag_resolve(flag=flag, by=request.user), success=_gettext("The flag is dismissed.")
    )
    return redirect(reverse("cohorts:discussions:flags", kwargs={"circle_id": circle.pk}))


@members_only
def attachment(request, circle_id: int, attachment_id: int):
    circle, access = _member_circle(request, circle_id)
    item = get_object_or_404(
        PostAttachment.objects.select_related("post"), pk=attachment_id, post__thread__circle=circle
    )
    if not permissions.can_see_post_body(access, item.post):
        raise Http404("No such attachment")
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
