"""Answering "are you coming?": from the circle page, and from the links in a meeting reminder."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from p2pu.core.forms import refusal_show

from .. import services
from ..access import circle_for_member
from ..models import Meeting


@require_POST
@login_required
def meeting_rsvp(request, circle_id: int, meeting_id: int):
    circle, access = circle_for_member(request, circle_id, refusal=_("Only this circle's members can answer."))
    meeting = get_object_or_404(Meeting, pk=meeting_id, circle=circle)
    meeting.circle = circle
    try:
        rsvp = services.rsvp_set(meeting=meeting, membership=access.membership, answer=request.POST.get("answer", ""))
    except ValidationError as error:
        refusal_show(request, error)
    else:
        messages.success(
            request,
            _("Your answer for meeting %(number)s is saved: %(answer)s.")
            % {"number": meeting.number, "answer": rsvp.get_answer_display()},
        )
    return redirect(f"{circle.get_absolute_url()}#rsvp")


def _link_refused(request, message: str, *, status: int):
    return render(request, "cohorts/rsvp_link.html", {"refusal": message}, status=status)


# The signed token is the credential, as in an unsubscribe link: the page is opened from a mail client,
# often without a session, and its one button posts back here without a CSRF token. A GET only asks.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def rsvp_link(request, token: str):
    try:
        link = services.rsvp_link_read(token=token)
    except signing.BadSignature:
        return _link_refused(request, _("This link is not valid. Answer on the circle's page instead."), status=400)
    try:
        if request.method == "POST":
            services.rsvp_set(meeting=link.meeting, membership=link.membership, answer=link.answer)
        else:
            services.rsvp_check(meeting=link.meeting, membership=link.membership, now=timezone.now())
    except PermissionDenied as refusal:
        return _link_refused(request, str(refusal), status=403)
    except ValidationError as error:
        return _link_refused(request, " ".join(error.messages), status=410)
    return render(request, "cohorts/rsvp_link.html", {"link": link, "done": request.method == "POST"})
