"""A meeting's page and what facilitators and members do there: move, cancel, module, attendance, feedback."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from courses.models import ModulePage
from p2pu.core.forms import form_submit

from .. import services
from ..access import circle_for_manager, circle_for_viewer
from ..forms import AttendanceForm, FeedbackForm, MeetingCancelForm, MeetingModuleForm, MeetingMoveForm
from ..models import Circle, Meeting, MeetingFeedback
from .circle import pinned_titles


def _meeting(circle: Circle, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=meeting_id, circle=circle)
    meeting.circle = circle
    return meeting


def meeting_detail(request, circle_id: int, meeting_id: int, **forms):
    circle, access = circle_for_viewer(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    now = timezone.now()
    pinned, titles = pinned_titles(circle)
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
    if form_submit(form, action)[0]:
        messages.success(request, success)
        return redirect(meeting)
    return meeting_detail(request, circle_id, meeting.pk, **{form_name: form})


@require_POST
@login_required
def meeting_move(request, circle_id: int, meeting_id: int):
    circle, _ = circle_for_manager(request, circle_id)
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
        success=gettext("The meeting is moved; members have been told."),
    )


@require_POST
@login_required
def meeting_cancel(request, circle_id: int, meeting_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=MeetingCancelForm(request.POST),
        form_name="cancel_form",
        action=lambda data: services.meeting_cancel(meeting=meeting, by=request.user, note=data["note"]),
        success=gettext("The meeting is cancelled; members have been told."),
    )


@require_POST
@login_required
def meeting_module(request, circle_id: int, meeting_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    pinned, _ = pinned_titles(circle)

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
        success=gettext("The meeting's module is saved."),
    )


@require_POST
@login_required
def meeting_attendance(request, circle_id: int, meeting_id: int):
    circle, access = circle_for_viewer(request, circle_id)
    if not access.can_take_attendance:
        raise PermissionDenied(gettext("Only this circle's facilitators take attendance."))
    meeting = _meeting(circle, meeting_id)
    members = list(circle.memberships.active().select_related("user"))
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=AttendanceForm(request.POST, members=members),
        form_name="attendance_form",
        action=lambda data: services.attendance_record(meeting=meeting, by=request.user, present=data["present"]),
        success=gettext("Attendance is saved."),
    )


@require_POST
@login_required
def meeting_feedback(request, circle_id: int, meeting_id: int):
    circle, access = circle_for_viewer(request, circle_id)
    meeting = _meeting(circle, meeting_id)
    if not access.can_give_feedback(meeting, now=timezone.now()):
        raise PermissionDenied(gettext("Only members can give feedback, once the meeting has begun."))
    return _meeting_form_outcome(
        request,
        circle_id=circle_id,
        meeting=meeting,
        form=FeedbackForm(request.POST),
        form_name="feedback_form",
        action=lambda data: services.feedback_submit(meeting=meeting, user=request.user, **data),
        success=gettext("Thank you: your feedback is saved."),
    )
