"""/orgs/: an organisation's public page, creating and editing one, its members, invitations and requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cohorts.models import (
    Circle,
    CircleState,
    Membership,
    Organisation,
    OrganisationMembership,
    OrganisationMembershipStatus,
    OrganisationRole,
)
from cohorts.page_cache import CIRCLES_TAG
from cohorts.permissions import is_verified
from p2pu.core.forms import action_submit, form_submit, refusal_show
from p2pu.core.links import absolute_url
from p2pu.core.page_cache import page_cache_depends

from . import services
from .forms import InvitationForm, JoinRequestForm, OrganisationForm, RoleForm
from .page_cache import organisation_tag
from .permissions import is_organiser, membership_of, organisation_for_organiser

UPCOMING_STATES = (CircleState.OPEN, CircleState.RUNNING)


def _circles_shown(organisation: Organisation, *, with_unlisted: bool):
    """The organisation's circles with what the page shows of each: two queries, however many.

    Listed circles for everyone; its unlisted ones too for its active members (``with_unlisted``), who are
    signed in, so that page is never cached for anyone else.
    """
    facilitators = Prefetch(
        "memberships",
        queryset=Membership.objects.facilitators().select_related("user"),
        to_attr="facilitator_memberships",
    )
    circles = Circle.objects.filter(organisation=organisation) if with_unlisted else Circle.objects.listed()
    circles = list(
        circles.filter(organisation=organisation, state__in=(*UPCOMING_STATES, CircleState.FINISHED))
        .select_related("course")
        .prefetch_related(facilitators)
        .order_by("start_date", "pk")
    )
    upcoming = [c for c in circles if c.state in UPCOMING_STATES]
    past = [c for c in reversed(circles) if c.state == CircleState.FINISHED]
    return upcoming, past


def _embed_path(organisation: Organisation) -> str:
    return reverse("circles_embed") + "?" + urlencode({"org": organisation.slug})


def _embed_snippet(organisation: Organisation) -> str:
    """The <iframe> an organiser copies onto their own site, as text: the template escapes it once more, so
    the organisation's name reaches the copied markup escaped for an attribute."""
    src = escape(absolute_url(_embed_path(organisation)))
    title = escape(_("Study circles by %(name)s") % {"name": organisation.name})
    return f'<iframe src="{src}" title="{title}" width="100%" height="600" loading="lazy"></iframe>'


def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation.objects.select_related("logo"), slug=slug)
    # Declared after the lookup (a missing slug caches nothing), before the members and circles are read.
    page_cache_depends(request, organisation_tag(organisation.pk), CIRCLES_TAG)
    join_form = JoinRequestForm() if request.user.is_authenticated else None
    return _detail_render(request, organisation, join_form)


def _detail_render(request, organisation: Organisation, join_form: JoinRequestForm | None, *, status: int = 200):
    members = list(organisation.memberships.active().select_related("user").order_by("joined_at", "pk"))
    viewer = membership_of(request.user, organisation)
    with_unlisted = bool(viewer and viewer.is_active)
    upcoming, past = _circles_shown(organisation, with_unlisted=with_unlisted)
    # Only an organiser, always signed in, sees the snippet: the page cached for visitors never holds it.
    embed = (
        {"path": _embed_path(organisation), "snippet": _embed_snippet(organisation)}
        if viewer and viewer.is_organiser
        else None
    )
    response = render(
        request,
        "cohorts/organisations/detail.html",
        {
            "embed": embed,
            "organisation": organisation,
            "organisers": [m for m in members if m.role == OrganisationRole.ORGANISER],
            "facilitators": [m for m in members if m.role == OrganisationRole.FACILITATOR],
            "upcoming": upcoming,
            "past": past,
            "viewer": viewer,
            "join_form": join_form,
        },
        status=status,
    )
    if with_unlisted:
        # The page cache stores no signed-in page already; this page must never be stored or shared anywhere.
        patch_cache_control(response, private=True, no_store=True)
    return response


def _logo_from(request, data: dict):
    upload = data.get("logo_file")
    if upload:
        return services.logo_upload(by=request.user, file=upload, title=data["name"])
    return data.get("logo")


def _organisation_fields(request, data: dict) -> dict:
    return {
        "name": data["name"],
        "about": data["about"],
        "city": data["city"],
        "website": data["website"],
        "logo": _logo_from(request, data),
    }


@login_required
def organisation_create(request):
    if not is_verified(request.user):
        message = _("Confirm your e-mail address before creating an organisation.")
        return render(request, "cohorts/refused.html", {"message": message}, status=403)
    form = OrganisationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        created, organisation = form_submit(
            form, lambda data: services.organisation_create(by=request.user, **_organisation_fields(request, data))
        )
        if created:
            messages.success(request, _("Your organisation is created. Invite the people who run circles with you."))
            return redirect(organisation)
    return render(request, "cohorts/organisations/form.html", {"form": form, "creating": True})


@login_required
def organisation_edit(request, slug: str):
    organisation = organisation_for_organiser(request.user, slug)
    initial = {
        "name": organisation.name,
        "about": organisation.about,
        "city": organisation.city,
        "website": organisation.website,
        "logo": organisation.logo_id,
    }
    form = OrganisationForm(
        request.POST or None, request.FILES or None, initial=initial, user=request.user, current_logo=organisation.logo
    )

    def update(data):
        return services.organisation_update(
            organisation=organisation, by=request.user, **_organisation_fields(request, data)
        )

    if request.method == "POST" and form_submit(form, update)[0]:
        messages.success(request, _("The organisation is saved."))
        return redirect(organisation)
    return render(
        request, "cohorts/organisations/form.html", {"form": form, "organisation": organisation, "creating": False}
    )


@login_required
def organisation_members(request, slug: str):
    organisation = organisation_for_organiser(request.user, slug)
    form = InvitationForm(request.POST or None)

    def invite(data):
        return services.invitation_send(
            organisation=organisation, by=request.user, email=data["email"], role=data["role"]
        )

    if request.method == "POST" and form_submit(form, invite)[0]:
        messages.success(
            request, _("An invitation is on its way to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
        return redirect("organisations:members", slug=organisation.slug)
    memberships = list(
        organisation.memberships.filter(
            status__in=(OrganisationMembershipStatus.ACTIVE, OrganisationMembershipStatus.REQUESTED)
        )
        .select_related("user")
        .order_by("joined_at", "requested_at", "pk")
    )
    invitations = organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    return render(
        request,
        "cohorts/organisations/members.html",
        {
            "organisation": organisation,
            "members": [m for m in memberships if m.is_active],
            "requests": [m for m in memberships if m.status == OrganisationMembershipStatus.REQUESTED],
            "invitations": invitations,
            "form": form,
            "role_choices": OrganisationRole.choices,
        },
    )


MEMBER_ACTIONS = {
    "approve": (services.request_approve, gettext_lazy("%(name)s is now a member.")),
    "decline": (services.request_decline, gettext_lazy("The request of %(name)s is declined.")),
    "remove": (services.member_remove, gettext_lazy("%(name)s is no longer a member.")),
}


@require_POST
@login_required
def member_action(request, slug: str, member_id: int, action: str):
    organisation = organisation_for_organiser(request.user, slug)
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user", "organisation"), pk=member_id, organisation=organisation
    )
    name = membership.user.get_display_name()
    if action == "role":
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a role."))
        else:
            action_submit(
                request,
                lambda: services.role_change(membership=membership, by=request.user, role=form.cleaned_data["role"]),
                success=_("The role of %(name)s is changed.") % {"name": name},
            )
    elif action in MEMBER_ACTIONS:
        service, success = MEMBER_ACTIONS[action]
        action_submit(
            request, lambda: service(membership=membership, by=request.user), success=success % {"name": name}
        )
    else:
        return render(request, "cohorts/refused.html", {"message": _("Unknown action.")}, status=404)
    if not is_organiser(request.user, organisation):
        # They removed or demoted themselves: the members page is no longer theirs.
        return redirect(organisation)
    return redirect("organisations:members", slug=organisation.slug)


@require_POST
@login_required
def invitation_revoke(request, slug: str, invitation_id: int):
    organisation = organisation_for_organiser(request.user, slug)
    invitation = get_object_or_404(organisation.invitations, pk=invitation_id)
    action_submit(
        request,
        lambda: services.invitation_revoke(invitation=invitation, by=request.user),
        success=_("The invitation is withdrawn: its link no longer works."),
    )
    return redirect("organisations:members", slug=organisation.slug)


@require_POST
@login_required
def organisation_join(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    form = JoinRequestForm(request.POST)
    sent, _membership = form_submit(
        form,
        lambda data: services.join_request(organisation=organisation, user=request.user, message=data["message"]),
    )
    if not sent:
        # The page again, with what the person typed and the reason beside it, rather than a lost message.
        return _detail_render(request, organisation, form, status=400)
    messages.success(request, _("Your request is sent. The organisers will answer."))
    return redirect(organisation)


@require_POST
@login_required
def organisation_leave(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    action_submit(
        request,
        lambda: services.membership_leave(organisation=organisation, user=request.user),
        success=_("You are no longer a member of %(organisation)s.") % {"organisation": organisation.name},
    )
    return redirect(organisation)


@login_required
def invitation(request, token: str):
    try:
        found = services.invitation_resolve(token=token)
    except ValidationError as error:
        return render(request, "cohorts/refused.html", {"message": " ".join(error.messages)}, status=400)
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            refusal_show(request, error)
            return redirect(found.organisation)
        messages.success(request, _("Welcome to %(organisation)s.") % {"organisation": found.organisation.name})
        return redirect(found.organisation)
    return render(request, "cohorts/organisations/invitation.html", {"invitation": found})
