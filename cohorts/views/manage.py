"""Starting, editing and running a circle: its facilitators' pages."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from courses.models import CoursePage
from p2pu.audit.models import AuditEntry
from p2pu.core.forms import action_submit, form_submit

from .. import services
from ..access import circle_for_manager
from ..forms import CancelCircleForm, CircleForm, InviteLinkForm, InvitePersonForm, MessageForm
from ..models import JOINABLE_STATES, Circle, CircleState, InviteLink, Membership, MembershipStatus, Role
from ..permissions import start_refusal
from ..rsvps import meeting_answers


@login_required
def circle_start(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
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
    versions = [course, *course.other_language_versions()]
    form = CircleForm(request.POST or None, initial=initial, user=request.user, course_versions=versions)

    def create(data):
        # The version in the language the facilitator chose (one of the course's published translations).
        chosen = {version.pk: version for version in versions}.get(data.pop("course_version", course.pk), course)
        return services.circle_create(course=chosen, created_by=request.user, publish="publish" in request.POST, **data)

    if request.method == "POST":
        created, circle = form_submit(form, create)
        if created:
            if circle.state == CircleState.OPEN:
                messages.success(
                    request, gettext("Your circle is open for sign-up. Share its page with people you know!")
                )
            else:
                messages.success(
                    request, gettext("Your circle is saved as a draft: only you can see it until you open it.")
                )
            return redirect(circle)
    return render(request, "cohorts/circle_form.html", {"form": form, "course": course, "creating": True})


@login_required
def circle_edit(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    started = circle.meetings.filter(starts_at__lte=timezone.now()).exists()
    # The form validates a copy: services.circle_update compares against what is stored.
    form = CircleForm(
        request.POST or None,
        instance=Circle.objects.get(pk=circle.pk),
        editing_schedule=not started,
        user=request.user,
    )

    def update(data):
        fields = {name: value for name, value in data.items() if not form.fields[name].disabled}
        return services.circle_update(circle=circle, by=request.user, **fields)

    if request.method == "POST" and form_submit(form, update)[0]:
        messages.success(request, gettext("The circle is saved."))
        return redirect(circle)
    return render(
        request,
        "cohorts/circle_form.html",
        {"form": form, "course": circle.course, "circle": circle, "creating": False},
    )


@require_POST
@login_required
def circle_publish(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    action_submit(
        request,
        lambda: services.circle_publish(circle=circle, by=request.user),
        success=gettext("Your circle is open for sign-up."),
    )
    return redirect(circle)


@login_required
def circle_cancel(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    form = CancelCircleForm(request.POST or None)

    def cancel(data):
        return services.circle_cancel(circle=circle, by=request.user, reason=data["reason"])

    if request.method == "POST" and form_submit(form, cancel)[0]:
        messages.success(request, gettext("The circle is cancelled and its members have been told."))
        return redirect(circle)
    return render(request, "cohorts/circle_cancel.html", {"circle": circle, "form": form})


@login_required
def circle_manage(request, circle_id: int, *, invite_form=None, link_form=None):
    circle, access = circle_for_manager(request, circle_id)
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
    answers = []
    if circle.state in JOINABLE_STATES:
        upcoming = list(circle.meetings.upcoming().order_by("starts_at", "number"))
        answers = meeting_answers(meetings=upcoming, members=active, viewer=access.membership)
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
            "meeting_answers": answers,
        },
    )


MEMBERSHIP_ACTIONS = {
    "approve": (lambda m, by: services.membership_approve(membership=m, by=by), gettext_lazy("Request approved.")),
    "decline": (lambda m, by: services.membership_decline(membership=m, by=by), gettext_lazy("Request declined.")),
    "remove": (lambda m, by: services.membership_remove(membership=m, by=by), gettext_lazy("Removed from the circle.")),
    "make_facilitator": (
        lambda m, by: services.facilitator_add(membership=m, by=by),
        gettext_lazy("They are now a co-facilitator."),
    ),
    "hand_over": (
        lambda m, by: services.facilitator_hand_over(circle=m.circle, by=by, to=m),
        gettext_lazy("You handed the circle over and stay on as a learner."),
    ),
}


@require_POST
@login_required
def membership_action(request, circle_id: int, membership_id: int, action: str):
    circle, _ = circle_for_manager(request, circle_id)
    if action not in MEMBERSHIP_ACTIONS:
        raise Http404("No such action")
    membership = get_object_or_404(Membership.objects.select_related("user", "circle"), pk=membership_id, circle=circle)
    perform, done = MEMBERSHIP_ACTIONS[action]
    action_submit(
        request,
        lambda: perform(membership, request.user),
        success=f"{membership.user.get_display_name()}: {done}",
    )
    if action == "hand_over":
        return redirect(circle)
    return redirect("cohorts:manage", circle_id=circle.pk)


@require_POST
@login_required
def invite_person(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    form = InvitePersonForm(request.POST)
    invited, _ = form_submit(
        form,
        lambda data: services.invitation_send(circle=circle, by=request.user, invitee=form.invitee, role=data["role"]),
    )
    if invited:
        messages.success(request, f"{form.invitee.get_display_name()} is invited.")
        return redirect("cohorts:manage", circle_id=circle.pk)
    return circle_manage(request, circle.pk, invite_form=form)


@require_POST
@login_required
def invite_link_create(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    form = InviteLinkForm(request.POST)
    created, _ = form_submit(
        form,
        lambda data: services.invite_link_create(circle=circle, by=request.user, valid_days=data["valid_days"]),
    )
    if created:
        messages.success(request, gettext("A new invitation link is ready: copy it from the list below."))
        return redirect("cohorts:manage", circle_id=circle.pk)
    return circle_manage(request, circle.pk, link_form=form)


@require_POST
@login_required
def invite_link_revoke(request, circle_id: int, link_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    link = get_object_or_404(InviteLink, pk=link_id, circle=circle)
    action_submit(
        request,
        lambda: services.invite_link_revoke(link=link, by=request.user),
        success=gettext("The invitation link no longer works."),
    )
    return redirect("cohorts:manage", circle_id=circle.pk)


@login_required
def circle_message(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    form = MessageForm(request.POST or None)

    def send(data):
        return services.circle_message_send(circle=circle, sender=request.user, **data)

    if request.method == "POST" and form_submit(form, send)[0]:
        messages.success(request, gettext("Your message is on its way to every member."))
        return redirect(circle)
    return render(request, "cohorts/circle_message.html", {"circle": circle, "form": form})


@require_POST
@login_required
def course_version_update(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    action_submit(
        request,
        lambda: services.circle_course_version_update(circle=circle, by=request.user),
        success=gettext("The circle now follows the newest published version of the course."),
    )
    return redirect(circle)


@require_POST
@login_required
def share_link_reset(request, circle_id: int):
    circle, _ = circle_for_manager(request, circle_id)
    action_submit(
        request,
        lambda: services.circle_share_link_reset(circle=circle, by=request.user),
        success=gettext("The circle has a new link: the old one no longer opens its page."),
    )
    return redirect("cohorts:manage", circle_id=circle.pk)


#: Audit entries per page on a circle's "What facilitators did" page.
AUDIT_ENTRIES_PER_PAGE = 50


@login_required
def circle_audit(request, circle_id: int):
    """The circle's own audit trail: who changed whose standing in it, when and why (facilitators only)."""
    circle, _ = circle_for_manager(request, circle_id)
    entries = AuditEntry.objects.about(circle).for_listing()
    page_obj = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cohorts/circle_audit.html", {"circle": circle, "page_obj": page_obj})
