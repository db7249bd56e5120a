"""Pages of peer review: an activity in a circle, a submission and its feedback, writing a review,
the facilitators' progress matrix (and CSV), and the moderation queue.

Views stay thin: they read through QuerySet methods and ``cohorts.review.results``, ask
``cohorts.review.permissions`` who may see what, and write through ``cohorts.review.services``.
Work a person may not see answers 404, so its existence is not revealed; pages of a circle they
are not a member of answer 403 with a reason, like the circle's other member pages.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohorts.models import (
    AssignmentState,
    Circle,
    CircleActivity,
    Membership,
    Review,
    ReviewAssignment,
    ReviewFlag,
    Submission,
    SubmissionAuthor,
    SubmissionVersion,
)
from cohorts.permissions import CircleAccess, circle_access

from . import permissions, services
from .activities import activity_for, pinned_activities, pinned_activity
from .forms import (
    ActivitySettingsForm,
    FlagForm,
    FlagResolveForm,
    HelpfulnessForm,
    ReviewForm,
    ReviewSettingsForm,
    SubmissionForm,
    activity_settings_initial,
)
from .markup import has_changes, line_diff
from .results import activity_results_for

SUBMIT, SAVE = "submit", "save"


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _circle(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    circle = get_object_or_404(Circle.objects.select_related("course"), pk=circle_id)
    access = circle_access(user=request.user, circle=circle)
    if not access.can_view:
        raise Http404("No such circle")
    return circle, access


def _member_circle(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    circle, access = _circle(request, circle_id)
    if not access.is_member:
        raise PermissionDenied("Only this circle's members take part in its peer review.")
    return circle, access


def _facilitated_circle(request, circle_id: int) -> tuple[Circle, CircleAccess]:
    circle, access = _circle(request, circle_id)
    if not permissions.can_run_reviews(access):
        raise PermissionDenied("Only this circle's facilitators can do that.")
    return circle, access


def _activity(circle: Circle, activity_pk: int) -> CircleActivity:
    activity = get_object_or_404(CircleActivity, pk=activity_pk, circle=circle)
    activity.circle = circle
    return activity


def _submission(circle: Circle, submission_id: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("activity").prefetch_related("authors__user"),
        pk=submission_id,
        activity__circle=circle,
    )
    submission.activity.circle = circle
    return submission


def _versions(submission: Submission) -> list[SubmissionVersion]:
    versions = list(submission.versions.order_by("number"))
    for version in versions:
        version.submission = submission
    return versions


def _with_diffs(versions: list[SubmissionVersion]) -> list[SubmissionVersion]:
    """Give each submitted version ``changes``: what differs from the version before it."""
    previous = None
    for version in versions:
        if version.is_draft:
            continue
        version.changes = None
        if previous is not None:
            diff = line_diff(previous.text, version.text)
            version.changes = {
                "text": diff if has_changes(diff) else None,
                "link": (previous.link, version.link) if previous.link != version.link else None,
                "file": (previous.file_name, version.file_name) if previous.file.name != version.file.name else None,
            }
        previous = version
    return versions


# --- The circle's peer review overview ----------------------------------------------------------------


@login_required
def overview(request, circle_id: int, *, settings_form=None):
    circle, access = _member_circle(request, circle_id)
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


@require_POST
@login_required
def review_settings(request, circle_id: int):
    circle, _ = _facilitated_circle(request, circle_id)
    form = ReviewSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.circle_review_settings_update(circle=circle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Peer review settings saved.")
            return redirect("cohorts:review:overview", circle_id=circle.pk)
    return overview(request, circle_id, settings_form=form)


# --- One activity in the circle ---------------------------------------------------------------------


def _coauthor_choices(activity: CircleActivity, user):
    """Learners here, other than this person, with no work of their own for the activity yet."""
    from django.contrib.auth import get_user_model

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


def _activity_page(request, circle_id: int, module_id: int, activity_id: str):
    circle, access = _member_circle(request, circle_id)
    pinned = pinned_activity(circle, module_id=module_id, activity_id=activity_id)
    if pinned is None:
        raise Http404("This activity is not part of the course version the circle follows.")
    return circle, access, pinned, activity_for(circle, pinned)


@login_required
def activity_page(request, circle_id: int, module_id: int, activity_id: str, *, form=None, settings_form=None):
    circle, access, pinned, activity = _activity_page(request, circle_id, module_id, activity_id)
    submission = versions = None
    if activity.pk:
        submission = (
            Submission.objects.filter(activity=activity)
            .by_author(request.user)
            .prefetch_related("authors__user")
            .first()
        )
    versions = _versions(submission) if submission else []
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
    if context["can_run"]:
        context["settings_form"] = settings_form or ActivitySettingsForm(initial=activity_settings_initial(activity))
    return render(request, "cohorts/review/activity.html", context)


@require_POST
@login_required
def activity_submit(request, circle_id: int, module_id: int, activity_id: str):
    """Save the draft; with “Submit work”, hand it in too. A refused submit keeps the draft saved."""
    circle, access, pinned, activity = _activity_page(request, circle_id, module_id, activity_id)
    if not permissions.can_submit_work(access):
        raise PermissionDenied("Only learners in this circle hand in work, while it runs.")
    activity = services.circle_activity_ensure(
        circle=circle, module_id=module_id, activity_id=activity_id, by=request.user
    )
    activity.circle = circle
    submission = Submission.objects.filter(activity=activity).by_author(request.user).first()
    versions = _versions(submission) if submission else []
    form = _submission_form(request, activity, submission, versions, request.POST, request.FILES)
    if not form.is_valid():
        return activity_page(request, circle_id, module_id, activity_id, form=form)
    try:
        submission = services.submission_save_draft(
            activity=activity,
            user=request.user,
            text=form.cleaned_data.get("text", ""),
            link=form.cleaned_data.get("link", ""),
            file=form.cleaned_data.get("file"),
            change_note=form.cleaned_data.get("change_note", ""),
            coauthors=form.cleaned_data["coauthors"] if "coauthors" in form.fields else None,
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return activity_page(request, circle_id, module_id, activity_id, form=form)
    if request.POST.get("action") != SUBMIT:
        messages.success(request, "Your draft is saved. Only you (and your co-authors) can see it.")
        return redirect(activity.get_absolute_url() + "#your-work")
    try:
        version = services.submission_submit(submission=submission, by=request.user)
    except ValidationError as error:
        _apply_errors(form, error)
        messages.warning(request, "Your draft is saved, but it could not be submitted yet.")
        return activity_page(request, circle_id, module_id, activity_id, form=form)
    if version.number == 1:
        messages.success(request, "Your work is submitted. Reviewers will see it as it is now.")
    else:
        messages.success(request, f"Version {version.number} is submitted. Reviewers see what changed.")
    return redirect(submission.get_absolute_url())


@require_POST
@login_required
def request_next(request, circle_id: int, module_id: int, activity_id: str):
    """Rolling review's “Review” button: lease the next work waiting and open it."""
    circle, access, _, activity = _activity_page(request, circle_id, module_id, activity_id)
    if activity.pk is None:
        raise Http404("Nobody has handed in work for this activity yet.")
    try:
        assignment = services.review_request_next(activity=activity, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(activity.get_absolute_url())
    if assignment is None:
        messages.info(request, "Nothing is waiting for you to review right now. Try again later.")
        return redirect(activity.get_absolute_url())
    return redirect(assignment.get_absolute_url())


@require_POST
@login_required
def activity_settings(request, circle_id: int, module_id: int, activity_id: str):
    circle, access, _, _ = _activity_page(request, circle_id, module_id, activity_id)
    if not permissions.can_run_reviews(access):
        raise PermissionDenied("Only this circle's facilitators can do that.")
    form = ActivitySettingsForm(request.POST)
    if form.is_valid():
        activity = services.circle_activity_ensure(
            circle=circle, module_id=module_id, activity_id=activity_id, by=request.user
        )
        activity.circle = circle
        try:
            services.circle_activity_update(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The activity's peer review settings are saved.")
            return redirect(activity.get_absolute_url() + "#settings")
    return activity_page(request, circle_id, module_id, activity_id, settings_form=form)


# --- A submission and its feedback -----------------------------------------------------------------


def _label_reviews(reviews: list[Review], *, sees_reviewers: bool) -> None:
    """Number the reviews in the order they came, and name their reviewers only where allowed."""
    for number, review in enumerate(reviews, start=1):
        review.number = number
        if sees_reviewers:
            review.shown_reviewer = review.reviewer.get_display_name()
        else:
            review.shown_reviewer = f"Reviewer {number}" + (" (a facilitator)" if review.is_anchor else "")


@login_required
def submission_page(request, circle_id: int, submission_id: int, *, flag_forms=None):
    circle, access = _circle(request, circle_id)
    submission = _submission(circle, submission_id)
    seen = permissions.submission_access(access=access, submission=submission)
    if not seen.can_view:
        raise Http404("No such submission")
    if not (seen.is_author or seen.is_facilitator):
        return redirect(seen.assignment.get_absolute_url())
    activity = submission.activity
    versions = _with_diffs(_versions(submission))
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
    if context["can_read_feedback"]:
        reviews = Review.objects.filter(submission=submission).submitted().order_by("submitted_at", "pk")
        reviews = list(reviews.select_related("reviewer", "version").prefetch_related("scores", "flags"))
        _label_reviews(reviews, sees_reviewers=seen.sees_reviewers)
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
    circle, access = _circle(request, circle_id)
    submission = _submission(circle, submission_id)
    if not permissions.submission_access(access=access, submission=submission).can_view:
        raise Http404("No such file")
    version = get_object_or_404(SubmissionVersion, submission=submission, number=number)
    if not version.file:
        raise Http404("No file in this version")
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def submission_take(request, circle_id: int, submission_id: int):
    circle, _ = _facilitated_circle(request, circle_id)
    submission = _submission(circle, submission_id)
    try:
        assignment = services.review_facilitator_take(submission=submission, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(submission.get_absolute_url())
    return redirect(assignment.get_absolute_url())


@require_POST
@login_required
def submission_release(request, circle_id: int, submission_id: int):
    circle, _ = _facilitated_circle(request, circle_id)
    submission = _submission(circle, submission_id)
    try:
        services.submission_release(submission=submission, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Released: its scores stand on the reviews it has, and say so.")
    return redirect(submission.get_absolute_url())


# --- Writing a review ------------------------------------------------------------------------------


def _review_form(assignment: ReviewAssignment, review: Review | None, data=None) -> ReviewForm:
    initial = {}
    if review is not None:
        initial["overall_comment"] = review.overall_comment
        for score in review.scores.all():
            initial[f"criterion_{score.criterion_id}_score"] = score.score
            initial[f"criterion_{score.criterion_id}_comment"] = score.comment
    return ReviewForm(data, initial=initial, criteria=assignment.activity.criteria)


def _own_assignment(request, circle: Circle, assignment_id: int) -> ReviewAssignment:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("activity", "submission"),
        pk=assignment_id,
        activity__circle=circle,
        reviewer=request.user,
    )
    assignment.activity.circle = circle
    assignment.submission.activity = assignment.activity
    return assignment


@login_required
def review_page(request, circle_id: int, assignment_id: int, *, form=None):
    circle, access = _member_circle(request, circle_id)
    assignment = _own_assignment(request, circle, assignment_id)
    submission = assignment.submission
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    versions = _with_diffs(_versions(submission))
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
    return render(request, "cohorts/review/review.html", context)


@require_POST
@login_required
def review_save(request, circle_id: int, assignment_id: int):
    """Save the review as a draft; with “Submit review”, hand it in. A refused submit keeps the draft."""
    circle, _ = _member_circle(request, circle_id)
    assignment = _own_assignment(request, circle, assignment_id)
    form = _review_form(assignment, None, request.POST)
    if not form.is_valid():
        return review_page(request, circle_id, assignment_id, form=form)
    try:
        services.review_save_draft(
            assignment=assignment,
            by=request.user,
            overall_comment=form.cleaned_data["overall_comment"],
            scores=form.scores(),
        )
        if request.POST.get("action") == SUBMIT:
            services.review_submit(assignment=assignment, by=request.user)
    except ValidationError as error:
        _apply_errors(form, error)
        if request.POST.get("action") == SUBMIT:
            messages.warning(request, "Your review is saved as a draft, but it is not complete yet.")
        return review_page(request, circle_id, assignment_id, form=form)
    if request.POST.get("action") == SUBMIT:
        messages.success(request, "Thank you: your review is submitted.")
        return redirect(assignment.activity.get_absolute_url() + "#your-reviews")
    messages.success(request, "Your review is saved as a draft.")
    return redirect(assignment.get_absolute_url())


# --- Responding to a review ------------------------------------------------------------------------


def _review_of_circle(circle: Circle, review_id: int) -> Review:
    review = get_object_or_404(
        Review.objects.select_related("submission", "submission__activity"),
        pk=review_id,
        submission__activity__circle=circle,
    )
    review.submission.activity.circle = circle
    return review


def _respondable_review(request, circle_id: int, review_id: int) -> Review:
    circle, access = _circle(request, circle_id)
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
        messages.success(request, "Thank you: the reviewer will see how helpful you found it.")
    else:
        messages.error(request, "Choose how helpful the review was.")
    return redirect(review.submission.get_absolute_url() + f"#review-{review.pk}")


@login_required
def review_flag(request, circle_id: int, review_id: int):
    review = _respondable_review(request, circle_id, review_id)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_flag(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The facilitators will look at this review. Thank you for telling them.")
            return redirect(review.submission.get_absolute_url() + f"#review-{review.pk}")
    return render(
        request,
        "cohorts/review/flag.html",
        {"circle": review.submission.activity.circle, "review": review, "form": form},
    )


# --- Facilitators: progress and moderation ---------------------------------------------------------


def progress_rows(activity: CircleActivity, *, now: dt.datetime) -> list[dict]:
    """One row per learner: their work, reviews given and received, flags and what is stuck.

    A constant number of queries, whatever the number of learners and submissions.
    """
    learners = list(Membership.objects.learners().filter(circle=activity.circle).select_related("user"))
    submissions = list(
        activity.submissions.with_reviews_done()
        .annotate(version_count=Count("versions", filter=Q(versions__submitted_at__isnull=False), distinct=True))
        .prefetch_related("authors")
    )
    submission_of = {author.user_id: s for s in submissions for author in s.authors.all()}
    given: dict[int, dict[str, int]] = {}
    for reviewer_id, state in ReviewAssignment.objects.filter(activity=activity).values_list("reviewer_id", "state"):
        counts = given.setdefault(reviewer_id, {"done": 0, "open": 0})
        if state == AssignmentState.COMPLETED:
            counts["done"] += 1
        elif state == AssignmentState.OPEN:
            counts["open"] += 1
    flags = list(ReviewFlag.objects.filter(activity=activity).select_related("review"))
    unresolved = [flag for flag in flags if not flag.is_resolved]
    open_flags_on_reviews_by = Counter(flag.review.reviewer_id for flag in unresolved)
    open_flags_on_work = Counter(flag.review.submission_id for flag in unresolved)
    results = activity_results_for(activity)
    k = activity.reviews_per_submission
    rows = []
    for membership in learners:
        submission = submission_of.get(membership.user_id)
        counts = given.get(membership.user_id, {"done": 0, "open": 0})
        row = {
            "user": membership.user,
            "submission": submission,
            "status": "Not started",
            "late": False,
            "versions": 0,
            "received": 0,
            "given_done": counts["done"],
            "given_open": counts["open"],
            "flags_on_reviews_given": open_flags_on_reviews_by.get(membership.user_id, 0),
            "flags_on_work": 0,
            "stuck": False,
            "disagreement": False,
            "released": False,
        }
        if submission is not None:
            result = results.for_submission(submission.pk)
            row.update(
                status="Submitted" if submission.is_submitted else "Draft",
                late=submission.is_submitted and submission.submitted_at > activity.due_at,
                versions=submission.version_count,
                received=submission.reviews_done,
                flags_on_work=open_flags_on_work.get(submission.pk, 0),
                stuck=bool(
                    submission.is_submitted
                    and not submission.is_released
                    and k
                    and submission.reviews_done < k
                    and activity.stuck_at(submission.submitted_at) <= now
                ),
                disagreement=bool(result and result.flagged),
                released=submission.is_released,
            )
        rows.append(row)
    return rows


@login_required
def progress(request, circle_id: int, activity_pk: int):
    circle, access = _facilitated_circle(request, circle_id)
    activity = _activity(circle, activity_pk)
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
    ("Learner", lambda row: row["user"].get_display_name()),
    ("Username", lambda row: row["user"].username),
    ("Work", lambda row: row["status"]),
    ("Late", lambda row: "yes" if row["late"] else "no"),
    ("Versions", lambda row: row["versions"]),
    ("Reviews received", lambda row: row["received"]),
    ("Reviews given", lambda row: row["given_done"]),
    ("Reviews still to give", lambda row: row["given_open"]),
    ("Open flags on their work's reviews", lambda row: row["flags_on_work"]),
    ("Open flags on reviews they gave", lambda row: row["flags_on_reviews_given"]),
    ("Stuck", lambda row: "yes" if row["stuck"] else "no"),
    ("Reviewers disagree", lambda row: "yes" if row["disagreement"] else "no"),
    ("Released with fewer reviews", lambda row: "yes" if row["released"] else "no"),
]


def _csv_cell(value) -> str:
    # A cell that starts like a formula is shown as text by spreadsheet programs (CSV injection).
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def progress_csv(request, circle_id: int, activity_pk: int):
    circle, _ = _facilitated_circle(request, circle_id)
    activity = _activity(circle, activity_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}-activity-{activity.pk}-progress.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for row in progress_rows(activity, now=timezone.now()):
        writer.writerow([_csv_cell(value(row)) for _, value in CSV_COLUMNS])
    return response


@require_POST
@login_required
def allocate(request, circle_id: int, activity_pk: int):
    circle, _ = _facilitated_circle(request, circle_id)
    activity = _activity(circle, activity_pk)
    try:
        problems = services.reviews_allocate_at_deadline(activity=activity, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Reviews are handed out; reviewers have been told.")
        for problem in problems:
            messages.warning(request, problem)
    return redirect("cohorts:review:progress", circle_id=circle.pk, activity_pk=activity.pk)


@login_required
def moderation(request, circle_id: int, *, forms=None):
    circle, access = _facilitated_circle(request, circle_id)
    flags = (
        ReviewFlag.objects.filter(activity__circle=circle)
        .select_related(
            "activity", "raised_by", "resolved_by", "review", "review__reviewer", "review__submission__activity"
        )
        .prefetch_related(Prefetch("review__scores"))
        .order_by("resolved_at", "-raised_at", "pk")
    )
    open_flags, resolved = [], []
    for flag in flags:
        flag.activity.circle = circle
        if flag.is_resolved:
            resolved.append(flag)
        else:
            flag.form = (forms or {}).get(flag.pk) or FlagResolveForm(prefix=f"flag-{flag.pk}")
            flag.criteria_rows = [(c, flag.review.scores_by_criterion.get(c["id"])) for c in flag.activity.criteria]
            open_flags.append(flag)
    return render(
        request,
        "cohorts/review/moderation.html",
        {"circle": circle, "access": access, "open_flags": open_flags, "resolved": resolved[:50]},
    )


@require_POST
@login_required
def flag_resolve(request, circle_id: int, flag_id: int):
    circle, _ = _facilitated_circle(request, circle_id)
    flag = get_object_or_404(ReviewFlag.objects.select_related("activity"), pk=flag_id, activity__circle=circle)
    flag.activity.circle = circle
    form = FlagResolveForm(request.POST, prefix=f"flag-{flag.pk}")
    if form.is_valid():
        try:
            problems = services.flag_resolve(flag=flag, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The flag is dealt with.")
            for problem in problems:
                messages.warning(request, problem)
            return redirect(reverse("cohorts:review:moderation", kwargs={"circle_id": circle.pk}))
    return moderation(request, circle_id, forms={flag.pk: form})
