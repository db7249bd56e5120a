"""Pages for a member's goal and the end-of-circle survey. Thin: cohorts.surveys.services checks and writes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import circle_for_viewer
from ..models import CourseRating, FacilitatorSurvey, GoalMet, LearnerSurvey, Role
from . import services
from .forms import FacilitatorSurveyForm, GoalForm, LearnerSurveyForm
from .queries import circle_course_ratings, learner_answers
from .window import survey_closes_at


@login_required
def goal_edit(request, circle_id: int):
    circle, access = circle_for_viewer(request, circle_id)
    membership = access.membership
    if membership is None or membership.status not in services.GOAL_EDITABLE_STATUSES:
        raise PermissionDenied(_("Only people in this circle can set a goal for it."))
    form = GoalForm(
        request.POST or None, initial={"goal": membership.goal, "goal_confidence": membership.goal_confidence}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_set(circle=circle, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your goal is saved."))
            return redirect(circle)
    return render(request, "cohorts/surveys/goal_form.html", {"circle": circle, "form": form})


def _refused(request, circle, error: ValidationError):
    context = {"message": " ".join(error.messages), "back": circle.get_absolute_url()}
    return render(request, "cohorts/refused.html", context, status=403)


@login_required
def survey_answer(request, circle_id: int):
    """The learner's or the facilitator's survey, as their role in the circle says; answering again edits."""
    circle, _access = circle_for_viewer(request, circle_id)
    now = timezone.now()
    try:
        membership = services.survey_membership(circle=circle, user=request.user, now=now)
    except ValidationError as error:
        return _refused(request, circle, error)
    is_learner = membership.role == Role.LEARNER
    if is_learner:
        survey = LearnerSurvey.objects.filter(membership=membership).first()
        course_rating = CourseRating.objects.filter(membership=membership).first()
        # Without a goal, "I did not set a goal" is the likely answer.
        initial = {} if membership.goal else {"goal_met": GoalMet.NO_GOAL}
        if survey:
            initial.update(goal_met=survey.goal_met, confidence_after=survey.confidence_after, advice=survey.advice)
        if course_rating:
            initial.update(rating=course_rating.rating, review=course_rating.review, show_name=course_rating.show_name)
        form = LearnerSurveyForm(request.POST or None, initial=initial)
        submit = services.learner_survey_submit
    else:
        survey = FacilitatorSurvey.objects.filter(membership=membership).first()
        initial = {"how_it_went": survey.how_it_went, "course_changes": survey.course_changes} if survey else {}
        form = FacilitatorSurveyForm(request.POST or None, initial=initial)
        submit = services.facilitator_survey_submit
    if request.method == "POST" and form.is_valid():
        try:
            submit(circle=circle, user=request.user, now=now, **form.cleaned_data)
        except ValidationError as error:
            return _refused(request, circle, error)
        messages.success(request, _("Thank you: your answers are saved. You can change them until the survey closes."))
        return redirect(circle)
    return render(
        request,
        "cohorts/surveys/survey_form.html",
        {
            "circle": circle,
            "membership": membership,
            "is_learner": is_learner,
            "answered": survey is not None,
            "form": form,
            "closes_at": survey_closes_at(finished_at=circle.state_changed_at, open_days=settings.END_SURVEY_OPEN_DAYS),
        },
    )


@login_required
def learner_answers_list(request, circle_id: int):
    """What the circle's learners answered when it finished, for its facilitators only (a finished circle's
    too: that is when the answers come)."""
    circle, access = circle_for_viewer(request, circle_id)
    if not access.is_facilitator:
        raise PermissionDenied(_("Only this circle's facilitators can read its learners' answers."))
    return render(
        request,
        "cohorts/surveys/learner_answers.html",
        {
            "circle": circle,
            "access": access,
            "answers": list(learner_answers(circle=circle)),
            "ratings": list(circle_course_ratings(circle=circle)),
        },
    )
