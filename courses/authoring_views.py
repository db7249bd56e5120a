"""Pages around writing a course: start one, answer an invitation, accept credits (on the site), and
manage a course's authors (in the Wagtail admin). Permissions come from courses.permissions, writes
from courses.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from p2pu.core.forms import action_submit, form_submit

from . import permissions, services
from .authoring_forms import CourseStartForm, ExternalCreditForm, InvitationForm
from .licensing import Licence
from .models import CourseCredit, CourseInvitation, CoursePage, InvitationStatus


def default_licence(request) -> str:
    """The licence the start form suggests.

    The site's own choice lives in the home app's site settings, which courses must not import
    (dependencies point from home to courses); home hands it over through the
    ``course_default_licence`` hook. Without one, the course model's default applies.
    """
    for hook in hooks.get_hooks("course_default_licence"):
        licence = hook(request)
        if licence:
            return licence
    return CoursePage._meta.get_field("licence").default


# --- On the site -------------------------------------------------------------------------------------


@login_required
def course_start(request):
    if not permissions.can_start_course(request.user):
        return render(request, "courses/authoring/verify_first.html", status=403)
    form = CourseStartForm(request.POST or None, initial={"licence": default_licence(request)})
    if request.method == "POST":
        ok, course = form_submit(form, lambda data: services.course_start(user=request.user, **data))
        if ok:
            messages.success(
                request,
                _("“%(title)s” is a draft: add modules, then submit it for review to publish it.")
                % {"title": course.title},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
    return render(request, "courses/authoring/start.html", {"form": form})


@login_required
def credits_to_accept(request):
    rows = []
    for credit in permissions.credits_awaiting(request.user):
        live = Licence(credit.course.licence)
        upcoming = Licence(credit.draft_licence) if credit.draft_licence else live
        terms = live.value if upcoming == live else f"{live.value} {upcoming.value}"
        rows.append((credit, live, upcoming if upcoming != live else None, terms))
    return render(request, "courses/authoring/credits.html", {"credits": rows})


def _credit_for(request, credit_id) -> CourseCredit:
    credit = get_object_or_404(CourseCredit.objects.select_related("course", "person"), pk=credit_id)
    if not permissions.can_accept_credit(user=request.user, credit=credit):
        # Someone else's credit: as if it did not exist.
        raise Http404
    return credit


@login_required
@require_POST
def credit_accept(request, credit_id):
    credit = _credit_for(request, credit_id)
    action_submit(
        request,
        lambda: services.credit_accept(credit=credit, licences_shown=request.POST.get("licences", "")),
        success=_("Thank you: the credit on “%(title)s” is accepted.") % {"title": credit.course.title},
    )
    return redirect("courses:credits")


@login_required
@require_POST
def credit_decline(request, credit_id):
    credit = _credit_for(request, credit_id)
    if credit.person_id != request.user.pk:
        # An external credit is not the maintainer's to decline; they remove it on the authors page.
        raise Http404
    action_submit(
        request,
        lambda: services.credit_decline(credit=credit, user=request.user),
        success=_("You are no longer credited on “%(title)s”.") % {"title": credit.course.title},
    )
    return redirect("courses:credits")


def invitation(request, token):
    invitation = get_object_or_404(CourseInvitation.objects.select_related("course", "invited_by"), token=token)
    is_open = services.invitation_is_open(invitation)
    may_answer = is_open and permissions.can_answer_invitation(user=request.user, invitation=invitation)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if not may_answer or answer not in {"accept", "decline"}:
            raise PermissionDenied
        course = invitation.course
        if answer == "accept":
            answered = action_submit(
                request,
                lambda: services.invitation_accept(
                    invitation=invitation, user=request.user, licences_shown=request.POST.get("licences", "")
                ),
                success=_("Welcome aboard: you can now edit “%(title)s”.") % {"title": course.title},
            )
            next_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
        else:
            answered = action_submit(
                request,
                lambda: services.invitation_decline(invitation=invitation, user=request.user),
                success=_("You declined the invitation to co-author “%(title)s”.") % {"title": course.title},
            )
            next_url = course.get_parent().url
        return redirect(next_url if answered else reverse("courses:invitation", kwargs={"token": token}))
    return render(
        request,
        "courses/authoring/invitation.html",
        {
            "invitation": invitation,
            "course": invitation.course,
            "is_open": is_open,
            "may_answer": may_answer,
            "was_accepted": invitation.status == InvitationStatus.ACCEPTED,
            "licence": Licence(permissions.course_draft_licence(invitation.course)),
            "consent_terms": services.consent_terms(invitation.course),
        },
    )


# --- In the Wagtail admin ------------------------------------------------------------------------------


class CourseAuthorsView(WagtailAdminTemplateMixin, TemplateView):
    """Who writes the course: credits and their consent, pending invitations, and (for maintainers)
    forms to invite co-authors and credit people without an account."""

    template_name = "courses/authoring/admin/authors.html"
    header_icon = "group"
    page_title = gettext_lazy("Authors and credits")

    def dispatch(self, request, *args, **kwargs):
        # 404 rather than 403 for courses the person does not write: no telling which ids exist.
        if not permissions.can_view_authors(user=request.user, course=self.course):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def course(self) -> CoursePage:
        return get_object_or_404(CoursePage, pk=self.kwargs["course_id"])

    @cached_property
    def can_manage(self) -> bool:
        return permissions.can_manage_authors(user=self.request.user, course=self.course)

    def get_page_subtitle(self):
        return self.course.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.course.pk]), "label": self.get_page_subtitle()},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        licence = permissions.course_draft_licence(self.course)
        credits = self.course.credits.select_related("person").order_by("sort_order", "pk")
        context = super().get_context_data(**kwargs)
        context.update(
            course=self.course,
            can_manage=self.can_manage,
            licence=Licence(licence),
            consent_terms=services.consent_terms(self.course),
            credits=[(credit, permissions.credit_is_settled(credit, draft_licence=licence)) for credit in credits],
            invitations=[
                invitation
                for invitation in self.course.invitations.filter(status=InvitationStatus.PENDING).select_related(
                    "invited_by"
                )
                if services.invitation_is_open(invitation)
            ],
            invitation_form=kwargs.get("invitation_form") or InvitationForm(),
            external_form=kwargs.get("external_form") or ExternalCreditForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_manage:
            raise PermissionDenied
        if request.POST.get("action") == "invite":
            form = InvitationForm(request.POST)
            ok, _invitation = form_submit(
                form, lambda data: services.coauthor_invite(course=self.course, invited_by=request.user, **data)
            )
            if ok:
                admin_messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
                )
                return redirect("courses_authoring:authors", course_id=self.course.pk)
            return self.render_to_response(self.get_context_data(invitation_form=form), status=400)
        if request.POST.get("action") == "external":
            form = ExternalCreditForm(request.POST)
            ok, _credit = form_submit(form, lambda data: services.external_credit_add(course=self.course, **data))
            if ok:
                admin_messages.success(
                    request,
                    _("%(name)s will be credited publicly once the course is next published, after review.")
                    % {"name": form.cleaned_data["name"]},
                )
                return redirect("courses_authoring:authors", course_id=self.course.pk)
            return self.render_to_response(self.get_context_data(external_form=form), status=400)
        raise PermissionDenied


def _managed_course(request, course_id) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not permissions.can_view_authors(user=request.user, course=course):
        raise Http404
    if not permissions.can_manage_authors(user=request.user, course=course):
        raise PermissionDenied
    return course


@require_POST
def course_credit_remove(request, course_id, credit_id):
    course = _managed_course(request, course_id)
    credit = get_object_or_404(course.credits, pk=credit_id)
    action_submit(
        request,
        lambda: services.coauthor_remove(credit=credit, removed_by=request.user),
        success=_("%(name)s is no longer credited as %(role)s.")
        % {"name": credit.name, "role": credit.get_role_display().lower()},
    )
    return redirect("courses_authoring:authors", course_id=course.pk)


@require_POST
def course_credit_confirm(request, course_id, credit_id):
    """A maintainer confirms an external credit (under the current licence) on its person's behalf."""
    course = _managed_course(request, course_id)
    credit = get_object_or_404(course.credits, pk=credit_id, person__isnull=True)
    try:
        services.credit_accept(credit=credit, licences_shown=request.POST.get("licences", ""))
    except ValidationError as error:
        admin_messages.error(request, " ".join(error.messages))
    else:
        admin_messages.success(request, _("The credit for %(name)s is confirmed.") % {"name": credit.name})
    return redirect("courses_authoring:authors", course_id=course.pk)


@require_POST
def course_invitation_revoke(request, course_id, invitation_id):
    course = _managed_course(request, course_id)
    invitation = get_object_or_404(course.invitations, pk=invitation_id)
    action_submit(
        request,
        lambda: services.invitation_revoke(invitation=invitation),
        success=_("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
    )
    return redirect("courses_authoring:authors", course_id=course.pk)
