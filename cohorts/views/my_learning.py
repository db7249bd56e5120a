"""/me/: the signed-in person's own circles, meetings, invitations, authored courses and calendar feed."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from courses.authored import course_credits_of
from p2pu.core.locales import person_language

from .. import calendars, services
from ..models import CalendarFeed, CircleState, Meeting, Membership, MembershipStatus

#: How far back a personal calendar feed reaches.
FEED_HISTORY = dt.timedelta(days=90)


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
    current = [m for m in memberships if m.circle.state not in over]
    return render(
        request,
        "cohorts/my_learning.html",
        {
            "current": current,
            # Circles whose meeting-changes feed (cohorts.feeds) is listed next to the calendar link.
            "member_of": [m for m in current if m.is_active],
            "past": [m for m in memberships if m.circle.state in over],
            "next_meeting": next_meeting,
            "authored": course_credits_of(user),
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
    # Calendar apps send no useful language: the feed speaks its owner's.
    with translation.override(person_language(feed.user)):
        content = calendars.personal_calendar(meetings)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-study-circles.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def my_calendar_reset(request):
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_reset(user=request.user)
    if had_feed:
        messages.success(
            request,
            gettext("Your calendar and meeting-change feeds have a new secret link; the old one no longer works."),
        )
    else:
        messages.success(request, gettext("Your calendar link is ready: add it to your calendar app."))
    return redirect(reverse("my_learning:index") + "#calendar")
