"""Final scores and appeals: an author appeals their work's score; facilitators set final scores and close appeals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.access import circle_for_member
from cohorts.models import Review, ScoreAppeal
from p2pu.core.forms import form_submit

from .. import permissions, services
from ..comment_forms import AppealForm, AppealResolveForm, FinalScoreForm
from ..results import activity_results_for
from .appeal_parts import final_score_rows
from .common import MEMBERS_ONLY, circle_for_review_facilitator, submission_of

#: How many closed appeals the facilitators' list shows, newest first.
CLOSED_SHOWN = 50


def _medians(submission) -> list:
    """The work's current scores per criterion, as its page shows them, for the facilitator deciding."""
    return activity_results_for(submission.activity).for_submission(submission.pk)


@login_required
def appeal_raise(request, circle_id: int, submission_id: int):
    circle, access = circle_for_member(request, circle_id, refusal=MEMBERS_ONLY)
    work = submission_of(circle, submission_id)
    seen = permissions.submission_access(access=access, submission=work)
    own_done = seen.is_author and permissions.own_reviews_done(user=request.user, activity=work.activity)
    if not permissions.can_appeal(seen, can_read_feedback=seen.can_read_feedback(own_reviews_done=own_done)):
        raise Http404("No such submission")
    appeal = ScoreAppeal.objects.filter(submission=work).first()
    form = AppealForm(request.POST or None)
    if request.method == "POST" and appeal is None:
        raised, _appeal = form_submit(
            form, lambda data: services.score_appeal_raise(submission=work, by=request.user, **data)
        )
        if raised:
            messages.success(request, _("Your appeal is sent: one more person will review your work."))
            return redirect(work.get_absolute_url() + "#appeal")
    return render(
        request,
        "cohorts/review/appeal.html",
        {"circle": circle, "access": access, "submission": work, "appeal": appeal, "form": form},
    )


@login_required
def final_score(request, circle_id: int, submission_id: int):
    circle, access = circle_for_review_facilitator(request, circle_id)
    work = submission_of(circle, submission_id)
    if not work.is_submitted:
        raise Http404("This work is not submitted")
    form = FinalScoreForm(request.POST or None, criteria=work.activity.criteria)
    if request.method == "POST":
        saved, _final = form_submit(
            form,
            lambda data: services.final_score_set(
                submission=work, by=request.user, scores=form.scores(), reason=data["reason"]
            ),
        )
        if saved:
            messages.success(request, _("The final score is set; the authors are told."))
            return redirect(work.get_absolute_url() + "#final-score")
    return render(
        request,
        "cohorts/review/final_score.html",
        {"circle": circle, "access": access, "submission": work, "form": form, "result": _medians(work)},
    )


@login_required
def appeals(request, circle_id: int):
    """The facilitators' list of appeals: open ones first, then the latest closed ones."""
    circle, access = circle_for_review_facilitator(request, circle_id)
    found = list(
        ScoreAppeal.objects.filter(submission__activity__circle=circle)
        .select_related("submission__activity", "raised_by", "resolved_by", "extra_assignment")
        .order_by("-raised_at", "-pk")
    )
    for appeal in found:
        appeal.submission.activity.circle = circle
    open_appeals = [appeal for appeal in found if not appeal.is_resolved]
    closed = [appeal for appeal in found if appeal.is_resolved][:CLOSED_SHOWN]
    return render(
        request,
        "cohorts/review/appeals.html",
        {"circle": circle, "access": access, "open_appeals": open_appeals, "closed": closed},
    )


@login_required
def appeal_resolve(request, circle_id: int, appeal_id: int):
    circle, access = circle_for_review_facilitator(request, circle_id)
    appeal = get_object_or_404(
        ScoreAppeal.objects.select_related("raised_by", "extra_assignment__reviewer", "final_score"),
        pk=appeal_id,
        submission__activity__circle=circle,
    )
    work = submission_of(circle, appeal.submission_id)
    appeal.submission = work
    form = AppealResolveForm(request.POST or None, criteria=work.activity.criteria)
    if request.method == "POST" and not appeal.is_resolved:
        closed, _appeal = form_submit(
            form,
            lambda data: services.score_appeal_resolve(
                appeal=appeal, by=request.user, outcome=data["outcome"], note=data["note"], scores=form.scores()
            ),
        )
        if closed:
            messages.success(request, _("The appeal is closed; the authors are told."))
            return redirect("cohorts:review:appeals", circle_id=circle.pk)
    extra_review = (
        Review.objects.filter(assignment=appeal.extra_assignment).submitted().first()
        if appeal.extra_assignment_id
        else None
    )
    return render(
        request,
        "cohorts/review/appeal_resolve.html",
        {
            "circle": circle,
            "access": access,
            "appeal": appeal,
            "submission": work,
            "form": form,
            "result": _medians(work),
            "extra_review": extra_review,
            "final_score_rows": final_score_rows(appeal.final_score, work.activity.criteria)
            if appeal.final_score
            else [],
        },
    )
