"""The facilitators' moderation queue: flagged reviews, and dealing with each flag."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cohorts.models import ReviewFlag, SubmissionAuthor
from p2pu.core.forms import form_submit

from .. import services
from ..forms import FlagResolveForm
from .common import circle_for_review_facilitator

#: How many flags already dealt with the queue shows, newest first.
RESOLVED_SHOWN = 50


@login_required
def moderation(request, circle_id: int, *, forms=None):
    circle, access = circle_for_review_facilitator(request, circle_id)
    flags = (
        ReviewFlag.objects.filter(activity__circle=circle)
        .select_related(
            "activity", "raised_by", "resolved_by", "review", "review__reviewer", "review__submission__activity"
        )
        .prefetch_related(Prefetch("review__scores"))
        .order_by("resolved_at", "-raised_at", "pk")
    )
    # A facilitator who is also an author (a learner made co-facilitator) is not told who reviewed them.
    own_work = set(
        SubmissionAuthor.objects.filter(user=request.user, submission__activity__circle=circle).values_list(
            "submission_id", flat=True
        )
    )
    open_flags, resolved = [], []
    for flag in flags:
        flag.activity.circle = circle
        flag.shown_reviewer = (
            gettext("An anonymous reviewer")
            if flag.review.submission_id in own_work
            else flag.review.reviewer.get_display_name()
        )
        if flag.is_resolved:
            resolved.append(flag)
        else:
            flag.form = (forms or {}).get(flag.pk) or FlagResolveForm(prefix=f"flag-{flag.pk}")
            flag.criteria_rows = [(c, flag.review.scores_by_criterion.get(c["id"])) for c in flag.activity.criteria]
            open_flags.append(flag)
    return render(
        request,
        "cohorts/review/moderation.html",
        {"circle": circle, "access": access, "open_flags": open_flags, "resolved": resolved[:RESOLVED_SHOWN]},
    )


@require_POST
@login_required
def flag_resolve(request, circle_id: int, flag_id: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    flag = get_object_or_404(ReviewFlag.objects.select_related("activity"), pk=flag_id, activity__circle=circle)
    flag.activity.circle = circle
    form = FlagResolveForm(request.POST, prefix=f"flag-{flag.pk}")
    resolved, problems = form_submit(form, lambda data: services.flag_resolve(flag=flag, by=request.user, **data))
    if resolved:
        messages.success(request, gettext("The flag is dealt with."))
        for problem in problems:
            messages.warning(request, problem)
        return redirect("cohorts:review:moderation", circle_id=circle.pk)
    return moderation(request, circle_id, forms={flag.pk: form})
