"""Pages of the study circles: discovery, one circle, running it, its meetings, and “My learning”.

Views stay thin: they read through QuerySet methods, ask cohorts.permissions who may see what, and
write through cohorts.services. Circles a person may not see answer 404, so an unlisted or draft
circle's existence is not revealed; things they may see but not do answer 403 with a reason.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from courses.models import CourseCredit, CoursePage, ModulePage

from . import calendars, services
from .forms import (
    AttendanceForm,
    CancelCircleForm,
    CircleFilterForm,
    CircleForm,
    FeedbackForm,
    InviteLinkForm,
    InvitePersonForm,
    JoinForm,
    MeetingCancelForm,
    MeetingModuleForm,
    MeetingMoveForm,
    MessageForm,
)
from .models import (
    CalendarFeed,
    Circle,
    CircleState,
    InviteLink,
    JoinPolicy,
    Meeting,
    MeetingFeedback,
    Membership,
    MembershipStatus,
    Role,
)
from .permissions import CircleAccess, circle_access, is_verified, join_button, start_refusal

CIRCLES_PER_PAGE = 12
#: How far back a personal calendar feed reaches.
FEED_HISTORY = dt.timedelta(days=90)


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.facilitators().select_related("user"),
        to_attr="facilitator_memberships",
    )


def _circle_with_access(request, circle_id: int, *, holds_link: bool = False) -> tuple[Circle, CircleAccess]:
    circle = get_object_or_404(Circle.objects.select_related("course"), pk=circle_id)
    key = request.GET.get("key") or request.POST.get("key") or ""
    access = circle_access(user=request.user, circle=circle, key=key, holds_link=holds_link)
    if not access.can_view:
        raise Http404("No such circle")
    return circle, access


def _managed_circle(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    circle, access = _circle_with_access(request, circle_id)
    if not access.can_manage:
        raise PermissionDenied("Only this circle's facilitators can do that.")
    return circle, access


def _pinned_titles(circle: Circle) -> tuple[list, dict[int, str]]:
    pinned = list(circle.pinned_modules.all())
    return pinned, {pin.module_id: pin.title for pin in pinned if pin.module_id}


# --- Discovery -----------------------------------------------------------------------------------------


def circle_list(request):
    discoverable = Circle.objects.discoverable()
    form = CircleFilterForm(request.GET or None, circles=discoverable)
    circles = discoverable
    if form.is_bound and form.is_valid():
        circles = form.filter(circles, zone=timezone.get_current_timezone())
    circles = (
        circles.select_related("course")
        .with_seat_counts()
        .with_next_meeting()
        .prefetch_related(_facilitators_prefetch())
        .order_by(F("next_meeting_at").asc(nulls_last=True), "pk")
    )
    page_obj = Paginator(circles, CIRCLES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cohorts/circle_list.html",
        {"form": form, "page_obj": page_obj, "circles": page_obj.object_list, "extra_query": query.urlencode()},
    )


# --- Starting and editing a circle ---------------------------------------------------------------------


@login_required
def circle_start(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    refusal = start_refusal(user=request.user, course=course)
    if refusal:
        return render(request, "cohorts/refused.html", {"message": refusal, "back": course.url}, status=403)
    modules = course.modules().count()
    start = timezone.localdate() + dt.timedelta(days=7)
    initial = {
        "name": f"{course.title} study circle",
        "language": course.language,
        "time_zone": request.user.time_zone,
        "start_date": start,
        "weekday": start.weekday(),
        "meeting_time": dt.time(18, 0),
        "weeks": modules or 6,
        "capacity": 8,
    }
    form = CircleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.circle_create(
                course=course, created_by=request.user, publish="publish" in request.POST, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if circle.state == CircleState.OPEN:
                messages.success(request, "Your circle is open for sign-up. Share its page with people you know!")
            else:
                messages.success(request, "Your circle is saved as a draft: only you can see it until you open it.")
            return redirect(circle)
    return render(request, "cohorts/circle_form.html", {"form": form, "course": course, "creating": True})


@login_required
def circle_edit(request, circle_id: int):
    circle, access = _managed_circle(request, circle_id)
    started = circle.meetings.filter(starts_at__lte=timezone.now()).exists()
    # The form validates a copy: services.circle_update compares against what is stored.
    form = CircleForm(request.POST or None, instance=Circle.objects.get(pk=circle.pk), editing_schedule=not started)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if not form.fields[name].disabled}
        try:
            services.circle_update(circle=circle, by=request.user, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The circle is saved.")
            return redirect(circle)
    return render(
        request,
        "cohorts/circle_form.html",
        {"form": form, "course": circle.course, "circle": circle, "creating": False},
    )


@require_POST
@login_required
def circle_publish(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    try:
        services.circle_publish(circle=circle, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your circle is open for sign-up.")
    return redirect(circle)


@login_required
def circle_cancel(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    form = CancelCircleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.circle_cancel(circle=circle, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "The circle is cancelled and its members have been told.")
        return redirect(circle)
    return render(request, "cohorts/circle_cancel.html", {"circle": circle, "form": form})


# --- One circle ----------------------------------------------------------------------------------------


def circle_detail(request, circle_id: int):
    circle = get_object_or_404(
        Circle.objects.select_related("course").with_seat_counts().with_next_meeting(), pk=circle_id
    )
    key = request.GET.get("key", "")
    access = circle_access(user=request.user, circle=circle, key=key)
    if not access.can_view:
        raise Http404("No such circle")
    return render(request, "cohorts/circle_detail.html", _circle_context(request, circle, access, key=key))


def _circle_context(request, circle: Circle, access: CircleAccess, *, key: str = "", join_form=None) -> dict:
    now = timezone.now()
    pinned, titles = _pinned_titles(circle)
    meetings = list(circle.meetings.order_by("starts_at", "number"))
    for meeting in meetings:
        meeting.topic = titles.get(meeting.module_id, "")
        meeting.circle = circle  # ends_at reads the circle's meeting length
    next_meeting = next((m for m in meetings if not m.is_cancelled and m.starts_at >= now), None)
    facilitators = list(Membership.objects.facilitators().filter(circle=circle).select_related("user"))
    members = (
        list(circle.memberships.learners().select_related("user").order_by("joined_at", "pk"))
        if access.can_see_members
        else []
    )
    waitlist_position = None
    if access.status == MembershipStatus.WAITLISTED:
        mine = access.membership
        ahead = Q(waitlisted_at__lt=mine.waitlisted_at) | Q(waitlisted_at=mine.waitlisted_at, pk__lt=mine.pk)
        waitlist_position = circle.memberships.waitlist().filter(ahead).count() + 1
    my_feedback = {}
    if access.is_member:
        my_feedback = {f.meeting_id: f for f in MeetingFeedback.objects.filter(membership=access.membership)}
    for meeting in meetings:
        meeting.my_feedback = my_feedback.get(meeting.pk)
    verified = access.is_member or is_verified(request.user)
    return {
        "circle": circle,
        "access": access,
        "key": key if access.holds_link else "",
        "meetings": meetings,
        "next_meeting": next_meeting,
        "past_meetings_count": sum(1 for m in meetings if m.starts_at < now),
        "pinned_modules": pinned,
        "facilitators": facilitators,
        "members": members,
        "circle_messages": list(circle.messages.select_related("sender")[:10]) if access.can_read_messages else [],
        "newer_version": access.is_member and circle.has_newer_course_version(),
        "join": join_button(
            access=access,
            verified=verified,
            waitlist_count=circle.waitlist_count,
            waitlist_position=waitlist_position,
            has_upcoming_meeting=next_meeting is not None,
        ),
        "join_form": join_form or (JoinForm() if circle.join_policy == JoinPolicy.APPROVAL else None),
        "now": now,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
    }


@require_POST
@login_required
def circle_join(request, circle_id: int):
    via_invite = False
    token = request.POST.get("invite", "")
    if token:
        try:
            link = services.invite_link_resolve(token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cohorts:list")
        via_invite = link.circle_id == circle_id
    circle, access = _circle_with_access(request, circle_id, holds_link=via_invite)
    form = JoinForm(request.POST)
    form.is_valid()
    try:
        membership = services.membership_join(
            circle=circle,
            user=request.user,
            via_invite=via_invite,
            request_message=form.cleaned_data.get("request_message", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            {
                MembershipStatus.ACTIVE: f"You joined {circle.name}. Welcome!",
                MembershipStatus.WAITLISTED: "The circle is full: you are on its waitlist, and we will tell you "
                "as soon as a seat is yours.",
                MembershipStatus.PENDING: "Your request is sent. We will tell you when a facilitator answers.",
            }[membership.status],
        )
    return redirect(circle)


@require_POST
@login_required
def circle_leave(request, circle_id: int):
    circle, access = _circle_with_access(request, circle_id)
    try:
        services.membership_leave(circle=circle, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(circle)
    left = {
        MembershipStatus.WAITLISTED: "You left the waitlist.",
        MembershipStatus.PENDING: "Your request to join is withdrawn.",
    }
    messages.success(request, left.get(access.status, f"You left {circle.name}."))
    return redirect(circle if circle.listed else reverse("my_learning:index"))


@require_POST
@login_required
def invitation_decline(request, circle_id: int):
    circle, _ = _circle_with_access(request, circle_id)
    try:
        services.invitation_decline(circle=circle, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You declined the invitation to {circle.name}.")
    return redirect("my_learning:index")


def invite_link(request, token: str):
    """Where an invitation link leads: the circle, with a join button that honours the invitation."""
    try:
        link = services.invite_link_resolve(token=token)
    except ValidationError as error:
        return render(request, "cohorts/refused.html", {"message": " ".join(error.messages)}, status=410)
    circle = Circle.objects.select_related("course").with_seat_counts().with_next_meeting().get(pk=link.circle_id)
    access = circle_access(user=request.user, circle=circle, holds_link=True)
    button = join_button(
        access=access,
        verified=access.is_member or is_verified(request.user),
        waitlist_count=circle.waitlist_count,
        waitlist_position=None,
        has_upcoming_meeting=circle.next_meeting_at is not None,
        via_invite=True,
    )
    return render(
        request,
        "cohorts/invite_link.html",
        {
            "circle": circle,
            "access": access,
            "join": button,
            "token": token,
            "link": link,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
        },
    )


def pinned_module(request, circle_id: int, module_id: int):
    """A module as the circle follows it: the revision that was published when the circle pinned the course."""
    circle, access = _circle_with_access(request, circle_id)
    if not access.can_read_modules:
        raise PermissionDenied("Only members read the modules as this circle follows them.")
    pinned = list(circle.pinned_modules.select_related("revision"))
    pin = next((p for p in pinned if p.module_id == module_id), None)
    if pin is None or pin.revision is None:
        raise Http404("This module is not part of the course version the circle follows.")
    live = ModulePage.objects.filter(pk=module_id).only("pk", "live_revision_id", "url_path").first()
    position = pinned.index(pin)
    return render(
        request,
        "cohorts/pinned_module.html",
        {
            "circle": circle,
            "pin": pin,
            "module": pin.revision.as_object(),
            "newer_module": live if live and live.live and live.live_revision_id != pin.revision_id else None,
            "previous_pin": pinned[position - 1] if position > 0 else None,
            "next_pin": pinned[position + 1] if position + 1 < len(pinned) else None,
        },
    )


def circle_calendar(request, circle_id: int):
    circle, _ = _circle_with_access(request, circle_id)
    meetings = circle.meetings.select_related("circle", "circle__course", "module").order_by("starts_at")
    response = HttpResponse(calendars.circle_calendar(circle, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}.ics"'
    return response


# --- Running a circle ----------------------------------------------------------------------------------


@login_required
def circle_manage(request, circle_id: int, *, invite_form=None, link_form=None):
    circle, access = _managed_circle(request, circle_id)
    people = list(
        circle.memberships.filter(
            status__in=[
                MembershipStatus.ACTIVE,
                MembershipStatus.WAITLISTED,
                MembershipStatus.PENDING,
                MembershipStatus.INVITED,
            ]
        )
        .select_related("user")
        .order_by("waitlisted_at", "requested_at", "pk")
    )
    by_status = {status: [m for m in people if m.status == status] for status in MembershipStatus.values}
    active = by_status[MembershipStatus.ACTIVE]
    links = [
        (link, request.build_absolute_uri(reverse("cohorts:invite_link", args=[services.invite_link_token(link)])))
        for link in circle.invite_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    ]
    return render(
        request,
        "cohorts/circle_manage.html",
        {
            "circle": circle,
            "access": access,
            "facilitators": [m for m in active if m.role == Role.FACILITATOR],
            "learners": [m for m in active if m.role == Role.LEARNER],
            "pending": by_status[MembershipStatus.PENDING],
            "waitlist": by_status[MembershipStatus.WAITLISTED],
            "invited": by_status[MembershipStatus.INVITED],
            "invite_links": links,
            "share_url": request.build_absolute_uri(circle.get_share_url()),
            "invite_form": invite_form or InvitePersonForm(),
            "link_form": link_form or InviteLinkForm(),
            "newer_version": circle.has_newer_course_version(),
        },
    )


MEMBERSHIP_ACTIONS = {
    "approve": (lambda m, by: services.membership_approve(membership=m, by=by), "Request approved."),
    "decline": (lambda m, by: services.membership_decline(membership=m, by=by), "Request declined."),
    "remove": (lambda m, by: services.membership_remove(membership=m, by=by), "Removed from the circle."),
    "make_facilitator": (lambda m, by: services.facilitator_add(membership=m, by=by), "They are now a co-facilitator."),
    "hand_over": (
        lambda m, by: services.facilitator_hand_over(circle=m.circle, by=by, to=m),
        "You handed the circle over and stay on as a learner.",
    ),
}


@require_POST
@login_required
def membership_action(request, circle_id: int, membership_id: int, action: str):
    circle, _ = _managed_circle(request, circle_id)
    if action not in MEMBERSHIP_ACTIONS:
        raise Http404("No such action")
    membership = get_object_or_404(Membership.objects.select_related("user", "circle"), pk=membership_id, circle=circle)
    perform, done = MEMBERSHIP_ACTIONS[action]
    try:
        perform(membership, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.get_display_name()}: {done}")
    if action == "hand_over":
        return redirect(circle)
    return redirect("cohorts:manage", circle_id=circle.pk)


@require_POST
@login_required
def invite_person(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    form = InvitePersonForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_send(
                circle=circle, by=request.user, invitee=form.invitee, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{form.invitee.get_display_name()} is invited.")
            return redirect("cohorts:manage", circle_id=circle.pk)
    return circle_manage(request, circle.pk, invite_form=form)


@require_POST
@login_required
def invite_link_create(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    form = InviteLinkForm(request.POST)
    if form.is_valid():
        services.invite_link_create(circle=circle, by=request.user, valid_days=form.cleaned_data["valid_days"])
        messages.success(request, "A new invitation link is ready: copy it from the list below.")
        return redirect("cohorts:manage", circle_id=circle.pk)
    return circle_manage(request, circle.pk, link_form=form)


@require_POST
@login_required
def invite_link_revoke(request, circle_id: int, link_id: int):
    circle, _ = _managed_circle(request, circle_id)
    link = get_object_or_404(InviteLink, pk=link_id, circle=circle)
    services.invite_link_revoke(link=link, by=request.user)
    messages.success(request, "The invitation link no longer works.")
    return redirect("cohorts:manage", circle_id=circle.pk)


@login_required
def circle_message(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.circle_message_send(circle=circle, sender=request.user, **form.cleaned_data)
        messages.success(request, "Your message is on its way to every member.")
        return redirect(circle)
    return render(request, "cohorts/circle_message.html", {"circle": circle, "form": form})


@require_POST
@login_required
def course_version_update(request, circle_id: int):
    circle, _ = _managed_circle(request, circle_id)
    services.circle_course_version_update(circle=circle, by=request.user)
    messages.success(request, "The circle now follows the newest published version of the course.")
    return redirect(circle)


# --- Meetings ------------------------------------------------------------------------------------------


def _meeting(circle: Circle, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=meeting_id, circle=circle)
    meeting.circle = circle
    return meeting


def meeting_detail(request, circle_id: int, meeting_id: int, **forms):
    circle, access = _circle_with_access(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    now = timezone.now()
    pinned, titles = _pinned_titles(circle)
    context = {
        "circle": circle,
        "access": access,
        "meeting": meeting,
        "topic": titles.get(meeting.module_id, ""),
        "now": now,
        "can_give_feedback": access.can_give_feedback(meeting, now=now),
    }
    if context["can_give_feedback"]:
        mine = MeetingFeedback.objects.filter(meeting=meeting, membership=access.membership).first()
        context["feedback_form"] = forms.get("feedback_form") or FeedbackForm(
            initial={"rating": mine.rating, "reflection": mine.reflection} if mine else None
        )
        context["my_feedback"] = mine
    if access.can_see_everyones_feedback:
        context["all_feedback"] = list(meeting.feedback.select_related("membership__user"))
    if access.can_manage and not meeting.is_cancelled and meeting.starts_at > now:
        local = meeting.starts_at.astimezone(circle.zone).replace(tzinfo=None)
        context["move_form"] = forms.get("move_form") or MeetingMoveForm(circle=circle, initial={"starts_at": local})
        context["cancel_form"] = forms.get("cancel_form") or MeetingCancelForm()
    if access.can_manage:
        context["module_form"] = forms.get("module_form") or MeetingModuleForm(
            pinned_modules=pinned, initial={"module": meeting.module_id}
        )
    if access.can_take_attendance and not meeting.is_cancelled and meeting.starts_at <= now:
        members = list(circle.memberships.active().select_related("user").order_by("role", "pk"))
        present = list(meeting.attendance.filter(present=True).values_list("membership_id", flat=True))
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            members=members, initial={"present": present}
        )
        context["attendance_taken"] = meeting.attendance.exists()
    return render(request, "cohorts/meeting_detail.html", context)


def _meeting_form_outcome(request, *, circle_id, meeting, form, form_name, action, success):
    """Run a meeting page's form: on success say so and go back to the meeting; otherwise show the
    form's errors (its own, or the service's) on the meeting page."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(meeting)
    return meeting_detail(request, circle_id, meeting.pk, **{form_name: form})


@require_POST
@login_required
def meeting_move(request, circle_id: int, meeting_id: int):
    circle, _ = _managed_circle(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=MeetingMoveForm(request.POST, circle=circle),
        form_name="move_form",
        action=lambda data: services.meeting_move(
            meeting=meeting, by=request.user, starts_at=data["starts_at"], note=data["note"]
        ),
        success="The meeting is moved; members have been told.",
    )


@require_POST
@login_required
def meeting_cancel(request, circle_id: int, meeting_id: int):
    circle, _ = _managed_circle(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=MeetingCancelForm(request.POST),
        form_name="cancel_form",
        action=lambda data: services.meeting_cancel(meeting=meeting, by=request.user, note=data["note"]),
        success="The meeting is cancelled; members have been told.",
    )


@require_POST
@login_required
def meeting_module(request, circle_id: int, meeting_id: int):
    circle, _ = _managed_circle(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    pinned, _ = _pinned_titles(circle)

    def assign(data):
        module_id = data["module"]
        module = ModulePage.objects.filter(pk=module_id).first() if module_id else None
        services.meeting_module_assign(meeting=meeting, by=request.user, module=module)

    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=MeetingModuleForm(request.POST, pinned_modules=pinned),
        form_name="module_form",
        action=assign,
        success="The meeting's module is saved.",
    )


@require_POST
@login_required
def meeting_attendance(request, circle_id: int, meeting_id: int):
    circle, access = _circle_with_access(request, circle_id)
    if not access.can_take_attendance:
        raise PermissionDenied("Only this circle's facilitators take attendance.")
    meeting = _meeting(circle, meeting_id)
    members = list(circle.memberships.active().select_related("user"))
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=AttendanceForm(request.POST, members=members),
        form_name="attendance_form",
        action=lambda data: services.attendance_record(meeting=meeting, by=request.user, present=data["present"]),
        success="Attendance is saved.",
    )


@require_POST
@login_required
def meeting_feedback(request, circle_id: int, meeting_id: int):
    circle, access = _circle_with_access(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    if not access.can_give_feedback(meeting, now=timezone.now()):
        raise PermissionDenied("Only members can give feedback, once the meeting has begun.")
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=FeedbackForm(request.POST),
        form_name="feedback_form",
        action=lambda data: services.feedback_submit(meeting=meeting, user=request.user, **data),
        success="Thank you: your feedback is saved.",
    )


# --- My learning ---------------------------------------------------------------------------------------


@login_required
def my_learning(request):
    user = request.user
    now = timezone.now()
    memberships = list(
        Membership.objects.filter(
            user=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING]
        )
        .select_related("circle", "circle__course")
        .with_next_meeting(now=now)
        .order_by(F("next_meeting_at").asc(nulls_last=True), "-circle__state_changed_at", "pk")
    )
    over = (CircleState.FINISHED, CircleState.CANCELLED)
    next_meeting = (
        Meeting.objects.for_member(user)
        .upcoming(now=now)
        .filter(circle__state__in=[CircleState.OPEN, CircleState.RUNNING])
        .select_related("circle")
        .order_by("starts_at")
        .first()
    )
    authored = (
        CourseCredit.objects.filter(person=user)
        .select_related("course")
        .order_by("course__title", "course_id", "sort_order")
    )
    courses, seen = [], set()
    for credit in authored:
        if credit.course_id not in seen:
            seen.add(credit.course_id)
            courses.append(credit)
    return render(
        request,
        "cohorts/my_learning.html",
        {
            "current": [m for m in memberships if m.circle.state not in over],
            "past": [m for m in memberships if m.circle.state in over],
            "next_meeting": next_meeting,
            "authored": courses,
            "invitations": list(
                Membership.objects.invited()
                .filter(user=user)
                .select_related("circle", "circle__course", "invited_by")
                .exclude(circle__state__in=over)
            ),
            "feed": CalendarFeed.objects.filter(user=user).first(),
        },
    )


def my_calendar(request, token: str):
    """A person's meetings at their secret feed URL: calendar apps fetch it without signing in."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    meetings = (
        Meeting.objects.for_member(feed.user)
        .filter(starts_at__gte=timezone.now() - FEED_HISTORY)
        .select_related("circle", "circle__course", "module")
        .order_by("starts_at")
    )
    response = HttpResponse(calendars.personal_calendar(meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-study-circles.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def my_calendar_reset(request):
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_reset(user=request.user)
    if had_feed:
        messages.success(request, "Your calendar has a new secret link; the old one no longer works.")
    else:
        messages.success(request, "Your calendar link is ready: add it to your calendar app.")
    return redirect(reverse("my_learning:index") + "#calendar")
