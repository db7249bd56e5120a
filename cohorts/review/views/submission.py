"""A piece of work and its feedback: what its authors and the circle's facilitators see, and its files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.access import circle_for_viewer
from cohorts.models import Review, SelfAssessment, SubmissionVersion
from p2pu.core.object_storage import private_file_response

from .. import permissions
from ..forms import HelpfulnessForm
from ..practice import self_comparison
from ..practice_forms import SelfAssessmentForm
from ..results import activity_results_for
from .appeal_parts import score_decisions_context
from .common import submission_of, versions_of, with_diffs
from .self_wording import self_comparison_rows, self_comparison_summary
from .thread_parts import conversation_context


def _label_reviews(reviews: list[Review], *, seen: permissions.SubmissionAccess) -> None:
    """Number the reviews in the order they came, and name their reviewers only where allowed."""
    for number, review in enumerate(reviews, start=1):
        review.number = number
        if seen.sees_reviewer_of(review):
            review.shown_reviewer = review.reviewer.get_display_name()
        else:
            shown = _("Reviewer %(number)d (a facilitator)") if review.is_anchor else _("Reviewer %(number)d")
            review.shown_reviewer = shown % {"number": number}


@login_required
def submission_page(
    request,
    circle_id: int,
    submission_id: int,
    *,
    flag_forms=None,
    self_assessment_form=None,
    conversation_forms=None,
):
    circle, access = circle_for_viewer(request, circle_id)
    submission = submission_of(circle, submission_id)
    seen = permissions.submission_access(access=access, submission=submission)
    if not seen.can_view:
        raise Http404("No such submission")
    if not (seen.is_author or seen.is_facilitator):
        return redirect(seen.assignment.get_absolute_url())
    activity = submission.activity
    versions = with_diffs(versions_of(submission))
    submitted_versions = [v for v in versions if not v.is_draft]
    own_done = seen.is_author and permissions.own_reviews_done(user=request.user, activity=activity)
    context = {
        "circle": circle,
        "access": access,
        "seen": seen,
        "activity": activity,
        "submission": submission,
        "versions": submitted_versions,
        "draft": next((v for v in versions if v.is_draft), None),
        "latest": submitted_versions[-1] if submitted_versions else None,
        "authors": [a.user for a in submission.authors.all()],
        "can_read_feedback": seen.can_read_feedback(own_reviews_done=own_done),
        "now": timezone.now(),
    }
    if seen.is_author and activity.self_assessment:
        assessment = SelfAssessment.objects.filter(submission=submission, author=request.user).first()
        context["self_assessment"] = assessment
        # Authors score their own work before they read their reviews, while they still can.
        if assessment is None and submitted_versions and permissions.can_submit_work(access):
            context["can_read_feedback"] = False
            context["self_assessment_form"] = self_assessment_form or SelfAssessmentForm(criteria=activity.criteria)
    if context["can_read_feedback"]:
        reviews = Review.objects.filter(submission=submission).submitted().order_by("submitted_at", "pk")
        reviews = list(reviews.select_related("reviewer", "version").prefetch_related("scores", "flags"))
        _label_reviews(reviews, seen=seen)
        shown = reviews if seen.is_facilitator else [r for r in reviews if not r.is_hidden]
        results = activity_results_for(activity)
        for review in shown:
            review.criteria_rows = [(c, review.scores_by_criterion.get(c["id"])) for c in activity.criteria]
            review.my_flag = next((f for f in review.flags.all() if f.raised_by_id == request.user.pk), None)
            review.can_respond = seen.can_respond_to(review)
        my_flags = [
            (review, flag) for review in reviews for flag in review.flags.all() if flag.raised_by_id == request.user.pk
        ]
        context.update(
            reviews=shown,
            my_flags=my_flags,
            hidden_count=sum(1 for r in reviews if r.is_hidden),
            result=results.for_submission(submission.pk),
            results=results,
            helpfulness_form=HelpfulnessForm(),
            flag_forms=flag_forms or {},
        )
        if context.get("self_assessment"):
            comparison = self_comparison(activity, context["self_assessment"], shown)
            context.update(
                self_rows=self_comparison_rows(comparison, activity.criteria),
                self_summary=self_comparison_summary(comparison, activity.criteria),
            )
        context.update(
            conversation_context(
                seen=seen,
                reviews=reviews,
                version=context["latest"],
                reviewer_labels={review.pk: review.shown_reviewer for review in reviews},
                can_read_feedback=True,
                forms=conversation_forms,
            )
        )
    context.update(score_decisions_context(seen=seen, can_read_feedback=context["can_read_feedback"]))
    if seen.is_facilitator:
        done = sum(1 for r in context.get("reviews", []) if not r.is_hidden)
        context.update(
            open_assignments=list(submission.assignments.open().select_related("reviewer").order_by("due_at", "pk")),
            short_of_reviews=submission.is_submitted and done < activity.reviews_per_submission,
            releasable_at=activity.releasable_at(submission.submitted_at) if submission.submitted_at else None,
        )
    return render(request, "cohorts/review/submission.html", context)


@login_required
def submission_file(request, circle_id: int, submission_id: int, number: int):
    circle, access = circle_for_viewer(request, circle_id)
    submission = submission_of(circle, submission_id)
    seen = permissions.submission_access(access=access, submission=submission)
    if not seen.can_view:
        raise Http404("No such file")
    version = get_object_or_404(SubmissionVersion, submission=submission, number=number)
    if not seen.can_view_version(version):
        raise Http404("No such file")
    if not version.file:
        raise Http404("No file in this version")
    return private_file_response(
        version.file, filename=version.file_name, as_attachment=True, cache_control="private, no-store"
    )
