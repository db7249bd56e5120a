"""Course ratings on course pages and in the catalog (through the hooks courses offers), and the site
editors' queue of flagged reviews in the Wagtail admin. Loaded from cohorts.wagtail_hooks, since Wagtail
reads only each app's own wagtail_hooks module."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cohorts.models import CourseRating, CourseRatingFlag
from cohorts.page_cache import COURSE_RATINGS_TAG, course_ratings_tag
from courses.catalog import CatalogOrdering
from courses.permissions import is_maintainer
from p2pu.core.forms import form_submit
from p2pu.core.page_cache import page_cache_depends, shared_fragment

from . import services
from .forms import Decision, ModerateForm
from .permissions import can_moderate
from .queries import courses_by_rating, rating_summary_for_request, reviews_listed
from .scale import BEST, WORST

#: Reviews per page of a course's reviews.
REVIEWS_PER_PAGE = 10


def _summary(request, course):
    # Declared before the ratings are read (see p2pu.core.page_cache); harmless when not cached.
    if request is not None:
        page_cache_depends(request, course_ratings_tag(course.pk))
    return rating_summary_for_request(request, course.pk)


@hooks.register("courses_course_header")
def course_rating_line(request, course):
    """Under the course's title: its average rating and how many, linking to the reviews."""
    summary = _summary(request, course)
    if not summary.count:
        return ""
    return render_to_string("cohorts/ratings/summary.html", {"summary": summary, "link": "#reviews"})


@hooks.register("courses_course_main")
def course_reviews(request, course):
    """The course's reviews, newest first, a page at a time (``?reviews=2``)."""
    summary = _summary(request, course)
    if not summary.count:
        return ""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    can_reply = signed_in and bool(summary.reviews) and is_maintainer(user=user, course=course)
    # The list differs between viewers only in its links: "Reply" for maintainers, "Flag" on others'
    # reviews. Shared by everyone who would see the same links, until a rating on the course changes.
    own = []
    if signed_in:
        own = list(CourseRating.objects.filter(course=course, membership__user=user).values_list("pk", flat=True))
    variant = f"course-reviews|{signed_in}|{can_reply}|{own}"

    def render():
        page_obj = None
        if summary.reviews:
            number = request.GET.get("reviews") if request is not None else None
            page_obj = Paginator(reviews_listed(course.pk), REVIEWS_PER_PAGE).get_page(number)
        context = {
            "course": course,
            "summary": summary,
            "page_obj": page_obj,
            "viewer_id": user.pk if signed_in else None,
            "can_reply": can_reply,
        }
        return render_to_string("cohorts/ratings/reviews.html", context)

    if request is None:
        return render()
    return shared_fragment(request, variant, tags=[course_ratings_tag(course.pk)], render=render)


@hooks.register("courses_course_json_ld")
def course_aggregate_rating(request, course) -> dict:
    """schema.org ``aggregateRating``, once the course has a visible rating."""
    summary = _summary(request, course)
    if not summary.count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": float(summary.average),
            "ratingCount": summary.count,
            "bestRating": BEST,
            "worstRating": WORST,
        }
    }


@hooks.register("courses_catalog_orderings")
def catalog_by_rating() -> CatalogOrdering:
    return CatalogOrdering("rating", _("Highest rated"), courses_by_rating, cache_tags=(COURSE_RATINGS_TAG,))


# The site editors' queue ------------------------------------------------------------------------------


class FlagPermissionPolicy(ModelPermissionPolicy):
    """Site editors read the flags; flags are raised on the site and settled on each flag's own page."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and can_moderate(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(CourseRatingFlag, FlagPermissionPolicy(CourseRatingFlag))


class FlagQueueView(IndexView):
    def get_base_queryset(self):
        # Open flags first, the oldest at the top: the queue to work through.
        return (
            super()
            .get_base_queryset()
            .select_related("rating__course")
            .order_by(F("resolved_at").desc(nulls_first=True), "raised_at", "pk")
        )


class CourseRatingFlagViewSet(ModelViewSet):
    model = CourseRatingFlag
    icon = "warning"
    menu_label = _("Course review flags")
    menu_order = 321
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        TitleColumn(
            "rating",
            label=_("Review"),
            get_url=lambda flag: reverse("course_rating_flag_moderate", kwargs={"rating_flag_id": flag.pk}),
            accessor=lambda flag: flag.rating.course.title,
        ),
        Column("explanation", label=_("What is wrong")),
        Column("raised_at", label=_("Flagged")),
        Column("resolved_at", label=_("Dealt with")),
    ]
    form_fields = ["explanation"]

    index_view_class = FlagQueueView


flag_viewset = CourseRatingFlagViewSet("course_rating_flags")


@hooks.register("register_admin_viewset")
def register_flag_viewset():
    return flag_viewset


def flag_moderate(request, rating_flag_id: int):
    """A flagged review with every flag on it: hide it, keep it, or show it again."""
    if not can_moderate(request.user):
        raise PermissionDenied
    flag = get_object_or_404(
        CourseRatingFlag.objects.select_related("rating__course", "rating__membership__user"), pk=rating_flag_id
    )
    rating = flag.rating
    form = ModerateForm(request.POST or None, rating=rating)
    if request.method == "POST":
        actions = {
            Decision.HIDE: services.course_rating_hide,
            Decision.UNHIDE: services.course_rating_unhide,
            Decision.DISMISS: services.course_rating_flags_dismiss,
        }
        done, _rating = form_submit(
            form, lambda data: actions[data["decision"]](rating=rating, by=request.user, note=data["note"])
        )
        if done:
            messages.success(request, _gettext("Done: the course page shows the change."))
            return redirect(reverse("course_rating_flags:index"))
    return TemplateResponse(
        request,
        "cohorts/ratings/admin_flag.html",
        {"flag": flag, "rating": rating, "flags": rating.flags.select_related("raised_by"), "form": form},
    )


@hooks.register("register_admin_urls")
def register_flag_urls():
    return [path("course-rating-flags/<int:rating_flag_id>/", flag_moderate, name="course_rating_flag_moderate")]
