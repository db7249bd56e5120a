"""Learners' pages of one circle's peer review: the overview of its activities, and one activity
(handing in work, asking for the next review in rolling review)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _gettext
from django.views.decorators.http import require_POST

from cohorts.access import circle_for_member
from cohorts.models import CircleActivity, Membership, ReviewAssignment, ReviewFlag, Submission, SubmissionAuthor
from p2pu.core.forms import form_submit, service_errors_apply

from .. import permissions, services
from ..activities import activity_for, pinned_activities, pinned_activity
from ..forms import ActivitySettingsForm, ReviewSettingsForm, SubmissionForm, activity_settings_initial
from ..practice import calibration_status
from .common import MEMBERS_ONLY, SUBMIT, versions_of


@login_required
def overview(request, circle_id: int, *, settings_form=None):
    circle, access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    activities = {(a.module_id, a.activity_id): a for a in CircleActivity.objects.filter(circle=circle)}
    mine = dict(
        SubmissionAuthor.objects.filter(activity__circle=circle, user=request.user).values_list(
            "activity_id", "submission__state"
        )
    )
    to_do = dict(
        ReviewAssignment.objects.open()
        .filter(activity__circle=circle, reviewer=request.user)
        .values("activity_id")
        .annotate(count=Count("pk"))
        .values_list("activity_id", "count")
    )
    rows = []
    for pinned in pinned_activities(circle):
        activity = activities.get((pinned.pin.module_id, pinned.activity_id))
        if activity is None:
            activity = activity_for(circle, pinned)
        activity.circle = circle
        rows.append(
            {
                "pinned": pinned,
                "activity": activity,
                "my_state": mine.get(activity.pk) if activity.pk else None,
                "to_do": to_do.get(activity.pk, 0) if activity.pk else 0,
            }
        )
    context = {"circle": circle, "access": access, "rows": rows, "can_run": permissions.can_run_reviews(access)}
    if context["can_run"]:
        context["open_flags"] = ReviewFlag.objects.filter(activity__circle=circle).unresolved().count()
        context["settings_form"] = settings_form or ReviewSettingsForm(
            initial={
                "review_anonymity": circle.review_anonymity,
                "feedback_after_own_reviews": circle.feedback_after_own_reviews,
            }
        )
    return render(request, "cohorts/review/overview.html", context)


def _coauthor_choices(activity: CircleActivity, user):
    """Learners here, other than this person, with no work of their own for the activity yet."""
    learners = Membership.objects.learners().filter(circle=activity.circle).values("user_id")
    taken = SubmissionAuthor.objects.filter(activity=activity).values("user_id") if activity.pk else []
    users = get_user_model().objects.filter(pk__in=learners).exclude(pk=user.pk)
    if activity.pk:
        users = users.exclude(pk__in=taken)
    return users.order_by("display_name", "pk")


def _submission_form(request, activity, submission, versions, data=None, files=None) -> SubmissionForm:
    draft = next((v for v in versions if v.is_draft), None)
    latest = draft or (versions[-1] if versions else None)
    starting = submission is None or (not submission.is_submitted and submission.created_by_id == request.user.pk)
    initial = {}
    if latest is not None:
        initial = {"text": latest.text, "link": latest.link, "change_note": draft.change_note if draft else ""}
    if submission is not None and starting:
        initial["coauthors"] = [a.user_id for a in submission.authors.all() if a.user_id != request.user.pk]
    return SubmissionForm(
        data,
        files,
        initial=initial,
        submission_type=activity.submission_type,
        revision=bool(submission and submission.is_submitted),
        coauthor_choices=_coauthor_choices(activity, request.user) if starting else None,
        current_file=latest.file_name if latest else "",
    )


def activity_in_circle(request, circle_id: int, module_id: int, activity_id: str):
    """The member's circle, their access, the pinned activity and its (possibly unsaved) CircleActivity."""
    circle, access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    pinned = pinned_activity(circle, module_id=module_id, activity_id=activity_id)
    if pinned is None:
        raise Http404("This activity is not part of the course version the circle follows.")
    return circle, access, pinned, activity_for(circle, pinned)


@login_required
def activity_page(request, circle_id: int, module_id: int, activity_id: str, *, form=None, settings_form=None):
    circle, access, pinned, activity = activity_in_circle(request, circle_id, module_id, activity_id)
    submission = versions = None
    if activity.pk:
        submission = (
            Submission.objects.filter(activity=activity)
            .by_author(request.user)
            .prefetch_related("authors__user")
            .first()
        )
    versions = versions_of(submission) if submission else []
    can_submit = permissions.can_submit_work(access)
    context = {
        "circle": circle,
        "access": access,
        "pinned": pinned,
        "activity": activity,
        "submission": submission,
        "versions": versions,
        "draft": next((v for v in versions if v.is_draft), None),
        "latest_submitted": next((v for v in reversed(versions) if not v.is_draft), None),
        "can_submit": can_submit,
        "can_review": permissions.can_review(access),
        "can_run": permissions.can_run_reviews(access),
        "is_learner": permissions.is_learner(access),
        "lease_hours": settings.REVIEW_LEASE_HOURS,
    }
    if can_submit:
        context["form"] = form or _submission_form(request, activity, submission, versions)
    if activity.pk:
        mine = (
            ReviewAssignment.objects.filter(activity=activity, reviewer=request.user)
            .holding()
            .select_related("review")
            .order_by("state", "due_at", "pk")
        )
        context["assignments"] = list(mine)
        rated = [a.review for a in context["assignments"] if hasattr(a, "review") and a.review.helpfulness]
        context["helpfulness"] = sum(r.helpfulness for r in rated) / len(rated) if rated else None
        context["helpfulness_count"] = len(rated)
        context["calibration"] = calibration_status(activity, request.user)
    if context["can_run"]:
        context["settings_form"] = settings_form or ActivitySettingsForm(initial=activity_settings_initial(activity))
    return render(request, "cohorts/review/activity.html", context)


@require_POST
@login_required
def activity_submit(request, circle_id: int, module_id: int, activity_id: str):
    """Save the draft; with “Submit work”, hand it in too. A refused submit keeps the draft saved."""
    circle, access, pinned, activity = activity_in_circle(request, circle_id, module_id, activity_id)
    if not permissions.can_submit_work(access):
        raise PermissionDenied(_gettext("Only learners in this circle hand in work, while it runs."))
    activity = services.circle_activity_ensure(
        circle=circle, module_id=module_id, activity_id=activity_id, by=request.user
    )
    activity.circle = circle
    submission = Submission.objects.filter(activity=activity).by_author(request.user).first()
    versions = versions_of(submission) if submission else []
    form = _submission_form(request, activity, submission, versions, request.POST, request.FILES)
    saved, submission = form_submit(
        form,
        lambda data: services.submission_save_draft(
            activity=activity,
            user=request.user,
            text=data.get("text", ""),
            link=data.get("link", ""),
            file=data.get("file"),
            change_note=data.get("change_note", ""),
            coauthors=data["coauthors"] if "coauthors" in form.fields else None,
        ),
    )
    if not saved:
        return activity_page(request, circle_id, module_id, activity_id, form=form)
    if request.POST.get("action") != SUBMIT:
        messages.success(request, _gettext("Your draft is saved. Only you (and your co-authors) can see it."))
        return redirect(activity.get_absolute_url() + "#your-work")
    try:
        version = services.submission_submit(submission=submission, by=request.user)
    except ValidationError as error:
        service_errors_apply(form, error)
        messages.warning(request, _gettext("Your draft is saved, but it could not be submitted yet."))
        return activity_page(request, circle_id, module_id, activity_id, form=form)
    if version.number == 1:
        messages.success(request, _gettext("Your work is submitted. Reviewers will see it as it is now."))
    else:
        messages.success(
            request,
            _gettext("Version %(number)d is submitted. Reviewers see what changed.") % {"number": version.number},
        )
    return redirect(submission.get_absolute_url())


@require_POST
@login_required
def request_next(request, circle_id: int, module_id: int, activity_id: str):
    """Rolling review's “Review” button: lease the next work waiting and open it."""
    _, _, _, activity = activity_in_circle(request, circle_id, module_id, activity_id)
    if activity.pk is None:
        raise Http404("Nobody has handed in work for this activity yet.")
    try:
        assignment = services.review_request_next(activity=activity, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(activity.get_absolute_url())
    if assignment is None:
        messages.info(request, _gettext("Nothing is waiting for you to review right now. Try again later."))
        return redirect(activity.get_absolute_url())
    return redirect(assignment.get_absolute_url())
