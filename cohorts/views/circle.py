"""One circle's pages: its page, joining and leaving, invitation links, its modules, its calendar and the
link to its meeting-changes feed (cohorts.feeds)."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from courses.cache_tags import page_tag
from courses.models import ModulePage
from p2pu.core.forms import action_submit, refusal_show
from p2pu.core.locales import person_language
from p2pu.core.page_cache import page_cache_depends, shared_data, shared_fragment

from .. import calendars, services
from ..access import circle_for_member, circle_for_viewer
from ..forms import JoinForm
from ..models import JOINABLE_STATES, CalendarFeed, Circle, MeetingFeedback, Membership, MembershipStatus, Role
from ..page_cache import circle_members_tag, circle_tag
from ..permissions import CircleAccess, circle_access, is_verified, join_button
from ..public_circles import public_name
from ..rsvps import answers_read, meeting_answers

#: Separates the shared parts of the circle page (about, schedule, outline, facilitators) in their cache entry.
_PART_MARK = "<!--circle-page-part-->"
#: A held meeting's status ends with this slot, filled per viewer with their own feedback.
_FEEDBACK_SLOT = re.compile(r"<!--my-feedback:(\d+):(\d+)-->")


def pinned_titles(circle: Circle) -> tuple[list, dict[int, str]]:
    """The circle's pinned modules, and their titles by module id."""
    pinned = list(circle.pinned_modules.all())
    return pinned, {pin.module_id: pin.title for pin in pinned if pin.module_id}


def pinned_revision_ids(pinned: list) -> list[int]:
    """The pinned modules' revision ids in outline order, as a download link names the circle's version."""
    return [pin.revision_id for pin in pinned if pin.revision_id is not None]


def _login_url(request) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


@dataclass
class CircleSnapshot:
    """What the circle page shows that is the same for every viewer: the circle with its seats and next
    meeting, its pinned modules, meetings and active members (users loaded), whether the course has a newer
    version than the one the circle follows, and what only members see: the answers to meetings and the
    ratings of held ones (by meeting and membership; each member is shown their own) and the facilitators'
    latest messages."""

    circle: Circle
    pinned: list
    meetings: list
    active: list
    newer_version: bool
    answers: dict[tuple[int, int], str]
    ratings: dict[tuple[int, int], int]
    messages: list


def _snapshot_compute(circle_id: int, depends) -> tuple[CircleSnapshot, datetime | None]:
    # The circle's tag covers its course too: publishing the course or a module purges it (cohorts.page_cache).
    depends(circle_tag(circle_id), circle_members_tag(circle_id))
    circle = get_object_or_404(
        Circle.objects.select_related("course", "organisation").with_seat_counts().with_next_meeting(), pk=circle_id
    )
    pinned, titles = pinned_titles(circle)
    meetings = list(circle.meetings.order_by("starts_at", "number"))
    for meeting in meetings:
        meeting.topic = titles.get(meeting.module_id, "")
        meeting.circle = circle  # ends_at reads the circle's meeting length
    # The snapshot lives in the shared cache: people's password hashes and addresses stay out of it.
    active = list(
        circle.memberships.active()
        .select_related("user")
        .defer("user__password", "user__email")
        .order_by("joined_at", "pk")
    )
    snapshot = CircleSnapshot(
        circle=circle,
        pinned=pinned,
        meetings=meetings,
        active=active,
        newer_version=circle.has_newer_course_version(pinned_modules=pinned),
        answers=answers_read(circle.meetings.all()),
        ratings={
            (meeting_id, membership_id): rating
            for meeting_id, membership_id, rating in MeetingFeedback.objects.filter(meeting__circle=circle).values_list(
                "meeting_id", "membership_id", "rating"
            )
        },
        messages=list(circle.messages.select_related("sender").defer("sender__password", "sender__email")[:10]),
    )
    # Which meeting is next changes with the clock rather than with the data.
    return snapshot, circle.next_meeting_at


def circle_snapshot(circle_id: int) -> CircleSnapshot:
    return shared_data(f"circle:{circle_id}", compute=partial(_snapshot_compute, circle_id))


def circle_detail(request, circle_id: int):
    key = request.GET.get("key", "")
    # Only the public page is cached: one opened with a private link's key is that link holder's.
    if not key:
        page_cache_depends(request, circle_tag(circle_id))
    snapshot = circle_snapshot(circle_id)
    circle = snapshot.circle
    access = _viewer_access(request, circle, key=key)
    if not access.can_view:
        raise Http404("No such circle")
    return render(request, "cohorts/circle_detail.html", _circle_context(request, snapshot, access, key=key))


def _viewer_access(request, circle: Circle, *, key: str = "", holds_link: bool = False) -> CircleAccess:
    """The viewer's access, their membership read with their calendar feed's token (its link shows to members)."""
    feed_token = CalendarFeed.objects.filter(user=OuterRef("user_id")).order_by("pk").values("token")[:1]
    memberships = Membership.objects.annotate(feed_token=Subquery(feed_token))
    return circle_access(user=request.user, circle=circle, key=key, holds_link=holds_link, memberships=memberships)


class _CircleReads:
    """The circle's shared data as this viewer may see it: learners only for those who may see them."""

    def __init__(self, snapshot: CircleSnapshot, access: CircleAccess):
        self.circle = snapshot.circle
        self.pinned = snapshot.pinned
        self.meetings = snapshot.meetings
        self.active = [m for m in snapshot.active if access.can_see_members or m.role == Role.FACILITATOR]

    @property
    def facilitators(self) -> list:
        return [m for m in self.active if m.role == Role.FACILITATOR]


def _shared_parts(request, reads: _CircleReads, *, modules_linked: bool) -> dict:
    """The parts of the page that are the same for everyone who sees them, rendered once and shared until the
    circle, its meetings, memberships or course change (their tags' purges) or its next meeting begins."""
    circle = reads.circle
    # Which meeting is next, and which are held, change with the clock rather than with the data: the next
    # meeting's start (read with the circle) names the variant, so the part is rendered again once it begins.
    next_at = circle.next_meeting_at.isoformat() if circle.next_meeting_at else "none"
    variant = "members" if modules_linked else "public"
    html = shared_fragment(
        request,
        f"circle:{variant}:{next_at}",
        tags=[circle_tag(circle.pk), page_tag(circle.course_id)],
        render=lambda: _shared_render(request, reads, modules_linked=modules_linked),
    )
    parts = [mark_safe(part) for part in html.split(_PART_MARK)]  # noqa: S308 (parts of safe HTML)
    return dict(zip(("about", "schedule", "outline", "facilitators"), parts, strict=True))


def _shared_render(request, reads: _CircleReads, *, modules_linked: bool) -> str:
    now = timezone.now()
    meetings = reads.meetings
    facilitators = [
        # The rule of the public circles API: the name a facilitator chose, never their username.
        {"name": public_name(m.user), "url": m.user.get_absolute_url() if m.user.display_name.strip() else ""}
        for m in reads.facilitators
    ]
    context = {
        "request": request,
        "part_mark": mark_safe(_PART_MARK),  # noqa: S308 (a constant)
        "circle": reads.circle,
        "meetings": meetings,
        "next_meeting": next((m for m in meetings if not m.is_cancelled and m.starts_at >= now), None),
        "now": now,
        "pinned_modules": reads.pinned,
        "pinned_revision_ids": pinned_revision_ids(reads.pinned),
        "modules_linked": modules_linked,
        "facilitators": facilitators,
    }
    return render_to_string("cohorts/includes/circle_shared.html", context)


def _my_feedback_fill(html: str, *, circle_id: int, access: CircleAccess, ratings: dict[int, int]) -> SafeString:
    """Fill each held meeting's slot with the viewer's feedback: their rating, or a link to give it (members)."""

    def fill(match) -> str:
        if not access.is_member:
            return ""
        meeting_id, number = int(match[1]), int(match[2])
        if meeting_id in ratings:
            return "; " + escape(gettext("you rated it %(rating)s of 5") % {"rating": ratings[meeting_id]})
        url = reverse("cohorts:meeting", kwargs={"circle_id": circle_id, "meeting_id": meeting_id})
        # The translated link text carries its own markup, as {% blocktranslate %} renders it.
        text = gettext('give feedback<span class="visually-hidden"> on meeting %(number)s</span>') % {"number": number}
        return format_html('; <a href="{}#feedback">{}</a>', url, mark_safe(text))  # noqa: S308

    return mark_safe(_FEEDBACK_SLOT.sub(fill, html))  # noqa: S308 (the shared part, with escaped fills)


def _circle_context(request, snapshot: CircleSnapshot, access: CircleAccess, *, key: str = "", join_form=None) -> dict:
    now = timezone.now()
    circle = snapshot.circle
    reads = _CircleReads(snapshot, access)
    shared = _shared_parts(request, reads, modules_linked=access.can_read_modules)
    answers = []
    if access.is_member and circle.state in JOINABLE_STATES:
        upcoming = [m for m in reads.meetings if not m.is_cancelled and m.starts_at > now]
        answers = meeting_answers(
            meetings=upcoming, members=reads.active, viewer=access.membership, answers=snapshot.answers
        )
    waitlist_position = None
    if access.status == MembershipStatus.WAITLISTED:
        mine = access.membership
        ahead = Q(waitlisted_at__lt=mine.waitlisted_at) | Q(waitlisted_at=mine.waitlisted_at, pk__lt=mine.pk)
        waitlist_position = circle.memberships.waitlist().filter(ahead).count() + 1
    ratings = {}
    if access.is_member:
        mine = access.membership.pk
        ratings = {meeting_id: rating for (meeting_id, member), rating in snapshot.ratings.items() if member == mine}
    shared["schedule"] = _my_feedback_fill(shared["schedule"], circle_id=circle.pk, access=access, ratings=ratings)
    verified = access.is_member or is_verified(request.user)
    return {
        "circle": circle,
        "access": access,
        "key": key if access.holds_link else "",
        "shared": shared,
        "meeting_answers": answers,
        "members": [m for m in reads.active if m.role == Role.LEARNER] if access.can_see_members else [],
        "circle_messages": snapshot.messages if access.can_read_messages else [],
        "newer_version": access.is_member and snapshot.newer_version,
        "feed_token": access.membership.feed_token if access.is_member else None,
        "join": join_button(
            access=access,
            verified=verified,
            waitlist_count=circle.waitlist_count,
            waitlist_position=waitlist_position,
            has_upcoming_meeting=circle.next_meeting_at is not None,
        ),
        "join_form": join_form or JoinForm(),
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
        key = request.POST.get("key", "")
        snapshot = circle_snapshot(circle.pk)
        access = _viewer_access(request, snapshot.circle, key=key, holds_link=via_invite)
        context = _circle_context(request, snapshot, access, key=key, join_form=form)
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
