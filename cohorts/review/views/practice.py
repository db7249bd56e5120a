"""Practice in judging work: calibration on facilitators' examples, and self-assessment.

Calibration pages sit under the activity: the list of examples (learners: which they have
scored; facilitators: adding and changing them), and one example (learners score it once, then
see the reference scores beside theirs; facilitators see the reference). A learner never sees
an example's reference scores before giving their own. Self-assessment is a form on the
author's submission page; its comparison with the reviewers' scores is worded here.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.access import circle_for_viewer
from cohorts.models import CalibrationAttempt, CalibrationExample
from cohorts.models.review.practice import MAX_CALIBRATION_EXAMPLES, MIN_CALIBRATION_EXAMPLES
from p2pu.core.forms import form_submit

from .. import permissions, services
from ..calibration import calibration_errors
from ..practice import calibration_in_use, calibration_scores
from ..practice_forms import CalibrationExampleForm, RubricScoresForm, SelfAssessmentForm
from .activity import activity_in_circle
from .common import submission_of
from .submission import submission_page


def _activity_for_practice(request, circle_id: int, module_id: int, activity_id: str):
    """The member's circle, access and saved activity; 404 if nobody has used the activity yet."""
    circle, access, _pinned, activity = activity_in_circle(request, circle_id, module_id, activity_id)
    if activity.pk is None or not activity.has_peer_review:
        raise Http404("This activity has no calibration.")
    if not (permissions.is_learner(access) or permissions.can_run_reviews(access)):
        raise PermissionDenied(_("Only this circle's learners and facilitators take part in calibration."))
    return circle, access, activity


def _example_of(activity, example_id: int) -> CalibrationExample:
    example = get_object_or_404(CalibrationExample, pk=example_id, activity=activity)
    example.activity = activity
    return example


def _level_label(criterion: dict, score) -> str:
    level = next((level for level in criterion["levels"] if level["score"] == score), None)
    return f"{level['label']} ({score} of {criterion['max_score']})" if level else "—"


def _distance_note(difference: float, step: float) -> str:
    steps = round(abs(difference) / step) if step else 0
    if steps == 0:
        return _("Same level")
    if difference > 0:
        return ngettext("%(n)d level higher", "%(n)d levels higher", steps) % {"n": steps}
    return ngettext("%(n)d level lower", "%(n)d levels lower", steps) % {"n": steps}


def _step(criterion: dict) -> float:
    scores = sorted({level["score"] for level in criterion["levels"]})
    gaps = [b - a for a, b in zip(scores, scores[1:], strict=False)]
    return min(gaps) if gaps else 1


@login_required
def calibration(request, circle_id: int, module_id: int, activity_id: str):
    circle, access, activity = _activity_for_practice(request, circle_id, module_id, activity_id)
    is_facilitator = permissions.can_run_reviews(access)
    examples = list(CalibrationExample.objects.filter(activity=activity).annotate(attempt_count=Count("attempts")))
    attempts = {
        attempt.example_id: attempt
        for attempt in CalibrationAttempt.objects.filter(example__activity=activity, reviewer=request.user)
    }
    for example in examples:
        example.my_attempt = attempts.get(example.pk)
    done = sum(1 for example in examples if example.my_attempt)
    accuracy = None
    learners = []
    if is_facilitator and examples:
        everyone = list(
            CalibrationAttempt.objects.filter(example__activity=activity).select_related("reviewer").order_by("pk")
        )
        by_pk = {example.pk: example for example in examples}
        for attempt in everyone:
            attempt.example = by_pk[attempt.example_id]
        errors = calibration_errors(calibration_scores(activity, everyone))
        people = {attempt.reviewer_id: attempt.reviewer for attempt in everyone}
        scored = Counter(attempt.reviewer_id for attempt in everyone)
        learners = sorted(
            (
                {"name": person.get_display_name(), "scored": scored[pk], "accuracy": round((1 - errors[pk]) * 100)}
                for pk, person in people.items()
                if pk in errors
            ),
            key=lambda row: row["name"].casefold(),
        )
    if not is_facilitator and done:
        for attempt in attempts.values():
            attempt.example = next(e for e in examples if e.pk == attempt.example_id)
        error = calibration_errors(calibration_scores(activity, attempts.values())).get(request.user.pk)
        accuracy = None if error is None else round((1 - error) * 100)
    return render(
        request,
        "cohorts/review/calibration.html",
        {
            "circle": circle,
            "access": access,
            "activity": activity,
            "examples": examples,
            "is_facilitator": is_facilitator,
            "in_use": calibration_in_use(activity, examples),
            "done": done,
            "all_done": bool(examples) and done == len(examples),
            "accuracy": accuracy,
            "learners": learners,
            "can_add": is_facilitator and len(examples) < MAX_CALIBRATION_EXAMPLES,
            "min_examples": MIN_CALIBRATION_EXAMPLES,
            "max_examples": MAX_CALIBRATION_EXAMPLES,
        },
    )


def _comparison_rows(activity, example: CalibrationExample, attempt: CalibrationAttempt | None) -> list[dict]:
    rows = []
    for criterion in activity.criteria:
        reference = example.reference_scores.get(criterion["id"])
        mine = attempt.scores.get(criterion["id"]) if attempt else None
        rows.append(
            {
                "criterion": criterion,
                "reference": _level_label(criterion, reference),
                "comment": example.reference_comments.get(criterion["id"], ""),
                "mine": _level_label(criterion, mine) if attempt else None,
                "note": _distance_note(mine - reference, _step(criterion))
                if attempt and mine is not None and reference is not None
                else "",
                "exact": attempt is not None and mine == reference,
            }
        )
    return rows


@login_required
def calibration_example(request, circle_id: int, module_id: int, activity_id: str, example_id: int):
    circle, access, activity = _activity_for_practice(request, circle_id, module_id, activity_id)
    example = _example_of(activity, example_id)
    is_facilitator = permissions.can_run_reviews(access)
    attempt = (
        None if is_facilitator else CalibrationAttempt.objects.filter(example=example, reviewer=request.user).first()
    )
    form = None
    if not is_facilitator and attempt is None:
        form = RubricScoresForm(request.POST or None, criteria=activity.criteria)
        if request.method == "POST":
            saved, attempt = form_submit(
                form,
                lambda _data: services.calibration_attempt_submit(
                    example=example, by=request.user, scores=form.scores()
                ),
            )
            if saved:
                messages.success(request, _("Your scores are in. Here is how they compare with the facilitators'."))
                return redirect(request.path + "#comparison-heading")
    elif request.method == "POST":
        raise PermissionDenied(_("You have already scored this example."))
    examples = list(CalibrationExample.objects.filter(activity=activity).values_list("pk", flat=True))
    position = examples.index(example.pk)
    context = {
        "circle": circle,
        "access": access,
        "activity": activity,
        "example": example,
        "number": position + 1,
        "count": len(examples),
        "next_example_id": examples[position + 1] if position + 1 < len(examples) else None,
        "is_facilitator": is_facilitator,
        "attempt": attempt,
        "form": form,
        # The reference shows to facilitators, and to a learner only once they have given their own scores.
        "rows": _comparison_rows(activity, example, attempt) if is_facilitator or attempt else None,
    }
    return render(request, "cohorts/review/calibration_example.html", context)


def _example_form_page(request, circle_id, module_id, activity_id, example_id=None):
    circle, access, activity = _activity_for_practice(request, circle_id, module_id, activity_id)
    if not permissions.can_run_reviews(access):
        raise PermissionDenied(_("Only this circle's facilitators give calibration examples."))
    example = _example_of(activity, example_id) if example_id else None
    initial = {}
    if example is not None:
        initial = {"title": example.title, "text": example.text, "overall_comment": example.overall_comment}
        for criterion_id, score in example.reference_scores.items():
            initial[f"criterion_{criterion_id}_score"] = score
            initial[f"criterion_{criterion_id}_comment"] = example.reference_comments.get(criterion_id, "")
    form = CalibrationExampleForm(request.POST or None, initial=initial, criteria=activity.criteria)
    if request.method == "POST":
        saved, _saved_example = form_submit(
            form,
            lambda data: services.calibration_example_save(
                activity=activity,
                by=request.user,
                title=data["title"],
                text=data["text"],
                scores=form.scores(),
                overall_comment=data["overall_comment"],
                example=example,
            ),
        )
        if saved:
            messages.success(request, _("The example is saved."))
            return redirect("cohorts:review:calibration", circle.pk, activity.module_id, activity.activity_id)
    return render(
        request,
        "cohorts/review/calibration_example_form.html",
        {"circle": circle, "activity": activity, "example": example, "form": form},
    )


@login_required
def calibration_example_new(request, circle_id: int, module_id: int, activity_id: str):
    return _example_form_page(request, circle_id, module_id, activity_id)


@login_required
def calibration_example_edit(request, circle_id: int, module_id: int, activity_id: str, example_id: int):
    return _example_form_page(request, circle_id, module_id, activity_id, example_id)


@require_POST
@login_required
def self_assessment_save(request, circle_id: int, submission_id: int):
    """The author's scores of their own work; the submission page shows the form again on errors."""
    circle, access = circle_for_viewer(request, circle_id)
    submission = submission_of(circle, submission_id)
    seen = permissions.submission_access(access=access, submission=submission)
    if not seen.is_author:
        raise Http404("No such submission")
    form = SelfAssessmentForm(request.POST, criteria=submission.activity.criteria)
    saved, _assessment = form_submit(
        form,
        lambda data: services.self_assessment_submit(
            submission=submission, by=request.user, scores=form.scores(), reflection=data["reflection"]
        ),
    )
    if not saved:
        return submission_page(request, circle_id, submission_id, self_assessment_form=form)
    messages.success(request, _("Thank you. Here are your reviews, with your own scores beside them."))
    return redirect(submission.get_absolute_url() + "#self-assessment-heading")
