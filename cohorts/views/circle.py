"""One circle's pages: its page, joining and leaving, invitation links, its modules, its calendar and the
link to its meeting-changes feed (cohorts.feeds)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from courses.cache_tags import page_tag
from courses.models import ModulePage
from p2pu.core.forms import action_submit, refusal_show
from p2pu.core.locales import person_language
from p2pu.core.page_cache import page_cache_depends

from .. import calendars, services
from ..access import circle_for_member, circle_for_viewer
from ..forms import JoinForm
from ..models import JOINABLE_STATES, CalendarFeed, Circle, MeetingFeedback, MembershipStatus, Role
from ..page_cache import circle_tag
from ..permissions import CircleAccess, circle_access, is_verified, join_button
from ..rsvps import meeting_answers


def pinned_titles(circle: Circle) -> tuple[list, dict[int, str]]:
    """The circle's pinned modules, and their titles by module id."""
    pinned = list(circle.pinned_modules.all())
    return pinned, {pin.module_id: pin.title for pin in pinned if pin.module_id}


def pinned_revision_ids(pinned: list) -> list[int]:
    """The pinned modules' revision ids in outline order, as a download link names the circle's version."""
    return [pin.revision_id for pin in pinned if pin.revision_id is not None]


def _login_url(request) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


def _circle_with_counts(circle_id: int):
    return get_object_or_404(
        Circle.objects.select_related("course", "organisation").with_seat_counts().with_next_meeting(), pk=circle_id
    )


def circle_detail(request, circle_id: int):
    key = request.GET.get("key", "")
    # Only the public page is cached: one opened with a private link's key is that link holder's.
    if not key:
        page_cache_depends(request, circle_tag(circle_id))
    circle = _circle_with_counts(circle_id)
    if not key:
        # The course's title and the pinned version's modules show on the page too.
        page_cache_depends(request, page_tag(circle.course_id))
    access = circle_access(user=request.user, circle=circle, key=key)
    if not access.can_view:
        raise Http404("No such circle")
    return render(request, "cohorts/circle_detail.html", _circle_context(request, circle, access, key=key))


def _circle_context(request, circle: Circle, access: CircleAccess, *, key: str = "", join_form=None) -> dict:
    now = timezone.now()
    pinned, titles = pinned_titles(circle)
    meetings = list(circle.meetings.order_by("starts_at", "number"))
    for meeting in meetings:
        meeting.topic = titles.get(meeting.module_id, "")
        meeting.circle = circle  # ends_at reads the circle's meeting length
    next_meeting = next((m for m in meetings if not m.is_cancelled and m.starts_at >= now), None)
    # Facilitators and learners in one query; learners are listed only to those who may see them.
    active = circle.memberships.active().select_related("user").order_by("joined_at", "pk")
    if not access.can_see_members:
        active = active.filter(role=Role.FACILITATOR)
    active = list(active)
    facilitators = [m for m in active if m.role == Role.FACILITATOR]
    members = [m for m in active if m.role == Role.LEARNER] if access.can_see_members else []
    answers = []
    if access.is_member and circle.state in JOINABLE_STATES:
        upcoming = [m for m in meetings if not m.is_cancelled and m.starts_at > now]
        answers = meeting_answers(meetings=upcoming, members=active, viewer=access.membership)
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
        "meeting_answers": answers,
        "next_meeting": next_meeting,
        "past_meetings_count": sum(1 for m in meetings if m.starts_at < now),
        "pinned_modules": pinned,
        "pinned_revision_ids": pinned_revision_ids(pinned),
        "facilitators": facilitators,
        "members": members,
        "circle_messages": list(circle.messages.select_related("sender")[:10]) if access.can_read_messages else [],
        "newer_version": access.is_member and circle.has_newer_course_version(pinned_modules=pinned),
        "feed": CalendarFeed.objects.filter(user=request.user).first() if access.is_member else None,
        "join": join_button(
            access=access,
            verified=verified,
            waitlist_count=circle.waitlist_count,
            waitlist_position=waitlist_position,
            has_upcoming_meeting=next_meeting is not None,
        ),
        "join_form": join_form or JoinForm(),
        "now": now,
        "login_url": _login_url(request),
    }


JOINED = {
    MembershipStatus.ACTIVE: gettext_lazy("You joined %(name)s. Welcome!"),
    MembershipStatus.WAITLISTED: gettext_lazy(
        "The circle is full: you are on its waitlist, and we will tell you as soon as a seat is yours."
    ),
    MembershipStatus.PENDING: gettext_lazy("Your request is sent. We will tell you when a facilitator answers."),
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
    circle, access = circle_for_viewer(request, circle_id, holds_link=via_invite)
    form = JoinForm(request.POST)
    if not form.is_valid():
        # Nothing is written: the circle's page again, with the error next to the note.
        context = _circle_context(
            request, _circle_with_counts(circle.pk), access, key=request.POST.get("key", ""), join_form=form
        )
        return render(request, "cohorts/circle_detail.html", context)
    try:
        membership = services.membership_join(
            circle=circle,
            user=request.user,
            via_invite=via_invite,
            request_message=form.cleaned_data["request_message"],
            goal=form.cleaned_data["goal"],
            goal_confidence=form.cleaned_data["goal_confidence"],
        )
    except ValidationError as error:
        refusal_show(request, error)
    else:
        messages.success(request, JOINED[membership.status] % {"name": circle.name})
    return redirect(circle)


@require_POST
@login_required
def circle_leave(request, circle_id: int):
    circle, access = circle_for_viewer(request, circle_id)
    left = {
        MembershipStatus.WAITLISTED: gettext("You left the waitlist."),
        MembershipStatus.PENDING: gettext("Your request to join is withdrawn."),
    }
    if not action_submit(
        request,
        lambda: services.membership_leave(circle=circle, user=request.user),
        success=left.get(access.status, gettext("You left %(name)s.") % {"name": circle.name}),
    ):
        return redirect(circle)
    return redirect(circle if circle.listed else reverse("my_learning:index"))


@require_POST
@login_required
def invitation_decline(request, circle_id: int):
    circle, _ = circle_for_viewer(request, circle_id)
    action_submit(
        request,
        lambda: services.invitation_decline(circle=circle, user=request.user),
        success=gettext("You declined the invitation to %(name)s.") % {"name": circle.name},
    )
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
            "join_form": JoinForm(),
            "login_url": _login_url(request),
        },
    )


def pinned_module(request, circle_id: int, module_id: int):
    """A module as the circle follows it: the revision that was published when the circle pinned the course."""
    circle, access = circle_for_viewer(request, circle_id)
    if not access.can_read_modules:
        raise PermissionDenied(gettext("Only members read the modules as this circle follows them."))
    pinned = list(circle.pinned_modules.select_related("revision"))
    pin = next((p for p in pinned if p.module_id == module_id), None)
    if pin is None or pin.revision is None:
        raise Http404(gettext("This module is not part of the course version the circle follows."))
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


@require_POST
@login_required
def changes_feed_link(request, circle_id: int):
    """Give a member their secret feed link (the one their calendar feed uses), then show it on the page."""
    circle, _ = circle_for_member(
        request, circle_id, refusal=gettext("Only members follow this circle's meeting changes.")
    )
    services.calendar_feed_get(user=request.user)
    return redirect(circle.get_absolute_url() + "#meeting-changes")


def circle_calendar(request, circle_id: int):
    circle, _ = circle_for_viewer(request, circle_id)
    meetings = circle.meetings.select_related("circle", "circle__course", "module").order_by("starts_at")
    # Calendar apps fetch a subscribed feed without the visitor's language cookie: the events speak the
    # circle's language, or the signed-in person's own when they chose one.
    with translation.override(person_language(request.user, hint=circle.language)):
        content = calendars.circle_calendar(circle, meetings)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}.ics"'
    return response
