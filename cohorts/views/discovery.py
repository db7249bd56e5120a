"""/circles/: finding a study circle to join."""

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from courses.cache_tags import PAGES_TAG
from p2pu.core.page_cache import page_cache_depends, shared_fragment

from ..forms import CircleFilterForm
from ..models import Circle, Membership
from ..page_cache import CIRCLES_TAG

CIRCLES_PER_PAGE = 12


def _facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.facilitators().select_related("user"),
        to_attr="facilitator_memberships",
    )


def circle_list(request):
    page_cache_depends(request, CIRCLES_TAG)
    # The filters and results read nothing about the viewer, so signed-in people share them too; the link to
    # the catalog names a page (``pages``).
    results = shared_fragment(
        request, "circle-list", tags=(CIRCLES_TAG, PAGES_TAG), render=lambda: _results_render(request)
    )
    return render(request, "cohorts/circle_list.html", {"results": results})


def _results_render(request) -> str:
    discoverable = Circle.objects.discoverable()
    form = CircleFilterForm(request.GET or None, circles=discoverable)
    circles = discoverable
    if form.is_bound and form.is_valid():
        circles = form.filter(circles, zone=timezone.get_current_timezone())
    circles = (
        circles.select_related("course", "organisation")
        .with_seat_counts()
        .with_next_meeting()
        .prefetch_related(_facilitators_prefetch())
        .order_by(F("next_meeting_at").asc(nulls_last=True), "pk")
    )
    page_obj = Paginator(circles, CIRCLES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_to_string(
        "cohorts/includes/circle_results.html",
        # The request for the page URLs only (which site); no context processor runs.
        {
            "request": request,
            "form": form,
            "page_obj": page_obj,
            "circles": page_obj.object_list,
            "extra_query": query.urlencode(),
        },
    )
