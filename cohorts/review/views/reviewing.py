"""Writing a review of someone's work, and the author's answer to it (how helpful, or a flag)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _gettext
from django.views.decorators.http import require_POST

from cohorts.access import circle_for_member, circle_for_viewer
from cohorts.models import AssignmentState, Circle, Review, ReviewAssignment
from p2pu.core.forms import form_submit, service_errors_apply

from .. import permissions, services
from ..forms import FlagForm, HelpfulnessForm, ReviewForm
from ..practice import CALIBRATE_FIRST, calibration_pending, calibration_url
from .common import MEMBERS_ONLY, SUBMIT, own_assignment, versions_of, with_diffs
from .thread_parts import conversation_context


def _review_form(assignment: ReviewAssignment, review: Review | None, data=None) -> ReviewForm:
    initial = {}
    if review is not None:
        initial["overall_comment"] = review.overall_comment
        for score in review.scores.all():
            initial[f"criterion_{score.criterion_id}_score"] = score.score
            initial[f"criterion_{score.criterion_id}_comment"] = score.comment
    return ReviewForm(data, initial=initial, criteria=assignment.activity.criteria)


@login_required
def review_page(request, circle_id: int, assignment_id: int, *, form=None, conversation_forms=None):
    circle, access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    assignment = own_assignment(request, circle, assignment_id)
    if assignment.is_open and calibration_pending(
        user=request.user, activity=assignment.activity, is_facilitator=access.is_facilitator
    ):
        messages.info(request, CALIBRATE_FIRST)
        return redirect(calibration_url(assignment.activity))
    submission = assignment.submission
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    versions = with_diffs(versions_of(submission))
    submitted_versions = [v for v in versions if not v.is_draft]
    shown = review.version if review and review.is_submitted else submitted_versions[-1]
    shown = next(v for v in submitted_versions if v.pk == shown.pk)
    seen = permissions.submission_access(access=access, submission=submission)
    context = {
        "circle": circle,
        "access": access,
        "assignment": assignment,
        "activity": assignment.activity,
        "submission": submission,
        "version": shown,
        "review": review,
        "authors": [a.user for a in submission.authors.select_related("user")] if seen.sees_authors else None,
        "writable": assignment.state in (AssignmentState.OPEN, AssignmentState.EXPIRED)
        and permissions.can_review(access),
    }
    if context["writable"]:
        context["form"] = form or _review_form(assignment, review)
    elif review is not None:
        context["criteria_rows"] = [(c, review.scores_by_criterion.get(c["id"])) for c in assignment.activity.criteria]
    context.update(
        conversation_context(
            seen=seen,
            reviews=[review] if review is not None else [],
            version=shown,
            reviewer_labels={},
            can_read_feedback=False,
            forms=conversation_forms,
            commenting=True,
        )
    )
    return render(request, "cohorts/review/review.html", context)


@require_POST
@login_required
def review_save(request, circle_id: int, assignment_id: int):
    """Save the review as a draft; with “Submit review”, hand it in. A refused submit keeps the draft."""
    circle, _ = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    assignment = own_assignment(request, circle, assignment_id)
    form = _review_form(assignment, None, request.POST)
    submitting = request.POST.get("action") == SUBMIT
    saved, _ = form_submit(
        form,
        lambda data: services.review_save_draft(
            assignment=assignment, by=request.user, overall_comment=data["overall_comment"], scores=form.scores()
        ),
    )
    if not saved:
        return review_page(request, circle_id, assignment_id, form=form)
    if submitting:
        try:
            services.review_submit(assignment=assignment, by=request.user)
        except ValidationError as error:
            service_errors_apply(form, error)
            messages.warning(request, _gettext("Your review is saved as a draft, but it is not complete yet."))
            return review_page(request, circle_id, assignment_id, form=form)
    if submitting:
        messages.success(request, _gettext("Thank you: your review is submitted."))
        return redirect(assignment.activity.get_absolute_url() + "#your-reviews")
    messages.success(request, _gettext("Your review is saved as a draft."))
    return redirect(assignment.get_absolute_url())


def _review_of_circle(circle: Circle, review_id: int) -> Review:
    review = get_object_or_404(
        Review.objects.select_related("submission", "submission__activity"),
        pk=review_id,
        submission__activity__circle=circle,
    )
    review.submission.activity.circle = circle
    return review


def _respondable_review(request, circle_id: int, review_id: int) -> Review:
    circle, access = circle_for_viewer(request, circle_id)
    review = _review_of_circle(circle, review_id)
    seen = permissions.submission_access(access=access, submission=review.submission)
    if not seen.can_respond_to(review):
        raise Http404("No such review")
    return review


@require_POST
@login_required
def review_rate(request, circle_id: int, review_id: int):
    review = _respondable_review(request, circle_id, review_id)
    form = HelpfulnessForm(request.POST)
    if form.is_valid():
        services.review_rate(review=review, by=request.user, helpfulness=form.cleaned_data["helpfulness"])
        messages.success(request, _gettext("Thank you: the reviewer will see how helpful you found it."))
    else:
        messages.error(request, _gettext("Choose how helpful the review was."))
    return redirect(review.submission.get_absolute_url() + f"#review-{review.pk}")


@login_required
def review_flag(request, circle_id: int, review_id: int):
    review = _respondable_review(request, circle_id, review_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        flagged, _ = form_submit(form, lambda data: services.review_flag(review=review, by=request.user, **data))
        if flagged:
            messages.success(
                request, _gettext("The facilitators will look at this review. Thank you for telling them.")
            )
            return redirect(review.submission.get_absolute_url() + f"#review-{review.pk}")
    return render(
        request,
        "cohorts/review/flag.html",
        {"circle": review.submission.activity.circle, "review": review, "form": form},
    )
