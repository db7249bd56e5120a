"""Facilitators' pages and buttons: review settings, handing out reviews, taking or releasing stuck
work, and the progress of every learner (as a page and as CSV)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from p2pu.core.forms import action_submit, form_submit

from .. import services
from ..forms import ActivitySettingsForm, ReviewSettingsForm
from ..progress import progress_rows
from .activity import activity_in_circle, activity_page, overview
from .common import activity_of, circle_for_review_facilitator, review_facilitator_require, submission_of


@require_POST
@login_required
def review_settings(request, circle_id: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    form = ReviewSettingsForm(request.POST)
    saved, _ = form_submit(
        form, lambda data: services.circle_review_settings_update(circle=circle, by=request.user, **data)
    )
    if saved:
        messages.success(request, _gettext("Peer review settings saved."))
        return redirect("cohorts:review:overview", circle_id=circle.pk)
    return overview(request, circle_id, settings_form=form)


@require_POST
@login_required
def activity_settings(request, circle_id: int, module_id: int, activity_id: str):
    circle, access, _, _ = activity_in_circle(request, circle_id, module_id, activity_id)
    review_facilitator_require(access)
    form = ActivitySettingsForm(request.POST)

    def activity_update(data):
        activity = services.circle_activity_ensure(
            circle=circle, module_id=module_id, activity_id=activity_id, by=request.user
        )
        activity.circle = circle
        return services.circle_activity_update(activity=activity, by=request.user, **data)

    saved, activity = form_submit(form, activity_update)
    if saved:
        messages.success(request, _gettext("The activity's peer review settings are saved."))
        return redirect(activity.get_absolute_url() + "#settings")
    return activity_page(request, circle_id, module_id, activity_id, settings_form=form)


@require_POST
@login_required
def allocate(request, circle_id: int, activity_pk: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    activity = activity_of(circle, activity_pk)
    problems: list[str] = []
    if action_submit(
        request,
        lambda: problems.extend(services.reviews_allocate_at_deadline(activity=activity, by=request.user)),
        success=_gettext("Reviews are handed out; reviewers have been told."),
    ):
        for problem in problems:
            messages.warning(request, problem)
    return redirect("cohorts:review:progress", circle_id=circle.pk, activity_pk=activity.pk)


@require_POST
@login_required
def submission_take(request, circle_id: int, submission_id: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    submission = submission_of(circle, submission_id)
    try:
        assignment = services.review_facilitator_take(submission=submission, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(submission.get_absolute_url())
    return redirect(assignment.get_absolute_url())


@require_POST
@login_required
def submission_release(request, circle_id: int, submission_id: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    submission = submission_of(circle, submission_id)
    action_submit(
        request,
        lambda: services.submission_release(submission=submission, by=request.user),
        success=_gettext("Released: its scores stand on the reviews it has, and say so."),
    )
    return redirect(submission.get_absolute_url())


@login_required
def progress(request, circle_id: int, activity_pk: int):
    circle, access = circle_for_review_facilitator(request, circle_id)
    activity = activity_of(circle, activity_pk)
    now = timezone.now()
    rows = progress_rows(activity, now=now)
    return render(
        request,
        "cohorts/review/progress.html",
        {
            "circle": circle,
            "access": access,
            "activity": activity,
            "rows": rows,
            "now": now,
            "stuck": [row for row in rows if row["stuck"]],
            "can_allocate": activity.has_peer_review and not activity.is_rolling and not activity.is_allocated,
        },
    )


CSV_COLUMNS = [
    (_("Learner"), lambda row: row["user"].get_display_name()),
    (_("Username"), lambda row: row["user"].username),
    (pgettext_lazy("progress table column", "Work"), lambda row: row["status"]),
    (pgettext_lazy("progress table column", "Late"), lambda row: _gettext("yes") if row["late"] else _gettext("no")),
    (_("Versions"), lambda row: row["versions"]),
    (_("Reviews received"), lambda row: row["received"]),
    (_("Reviews given"), lambda row: row["given_done"]),
    (_("Reviews still to give"), lambda row: row["given_open"]),
    (_("Open flags on their work's reviews"), lambda row: row["flags_on_work"]),
    (_("Open flags on reviews they gave"), lambda row: row["flags_on_reviews_given"]),
    (pgettext_lazy("progress table column", "Stuck"), lambda row: _gettext("yes") if row["stuck"] else _gettext("no")),
    (_("Reviewers disagree"), lambda row: _gettext("yes") if row["disagreement"] else _gettext("no")),
    (_("Released with fewer reviews"), lambda row: _gettext("yes") if row["released"] else _gettext("no")),
]


def _csv_cell(value) -> str:
    # A cell that starts like a formula is shown as text by spreadsheet programs (CSV injection).
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def progress_csv(request, circle_id: int, activity_pk: int):
    circle, _ = circle_for_review_facilitator(request, circle_id)
    activity = activity_of(circle, activity_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}-activity-{activity.pk}-progress.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow([str(name) for name, _ in CSV_COLUMNS])
    for row in progress_rows(activity, now=timezone.now()):
        writer.writerow([_csv_cell(value(row)) for _, value in CSV_COLUMNS])
    return response
