"""Flagging a course review, and the maintainers' reply to one (the reviews show on the course page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cohorts.models import CourseRating
from p2pu.core.forms import form_submit

from . import services
from .forms import FlagForm, ReplyForm
from .permissions import can_flag, can_reply


def _rating(rating_id: int) -> CourseRating:
    rating = get_object_or_404(
        CourseRating.objects.visible().select_related("course", "membership__user", "replied_by"), pk=rating_id
    )
    # A draft or unpublished course shows no reviews, so there is nothing to flag or answer.
    if not rating.course.live:
        raise Http404
    return rating


@login_required
def rating_flag(request, rating_id: int):
    rating = _rating(rating_id)
    if not can_flag(user=request.user, rating=rating):
        raise PermissionDenied(_("You cannot flag your own review."))
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        flagged, _flag = form_submit(
            form, lambda data: services.course_rating_flag(rating=rating, by=request.user, **data)
        )
        if flagged:
            messages.success(request, _("Thank you: a site editor will look at this review."))
            return redirect(services.review_url(rating))
    return render(request, "cohorts/ratings/flag.html", {"rating": rating, "course": rating.course, "form": form})


@login_required
def rating_reply(request, rating_id: int):
    """Write the course's reply to a review, or edit it once written."""
    rating = _rating(rating_id)
    if not can_reply(user=request.user, rating=rating):
        raise PermissionDenied(_("Only the course's maintainers can reply to its reviews."))
    editing = rating.replied_at is not None
    form = ReplyForm(request.POST or None, initial={"reply": rating.reply})
    if request.method == "POST":
        service = services.course_rating_reply_edit if editing else services.course_rating_reply
        saved, _rating_saved = form_submit(
            form, lambda data: service(rating=rating, by=request.user, text=data["reply"])
        )
        if saved:
            messages.success(request, _("Your reply is saved.") if editing else _("Your reply is published."))
            return redirect(services.review_url(rating))
    return render(
        request,
        "cohorts/ratings/reply.html",
        {"rating": rating, "course": rating.course, "form": form, "editing": editing},
    )
