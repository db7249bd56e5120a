"""The public circles API (/api/v2/circles/) and the embeddable list (/embed/circles/), read-only.

The API answers like Wagtail's /api/v2/pages/ (``limit``/``offset``, ``meta.total_count``, ``items``,
400 with a ``message`` for a query it does not understand). It is a plain view rather than a Wagtail
endpoint: a circle is not a page, its filters (organisation slug, seats) and fields (the next meeting in
the circle's zone, facilitators' public names) are computed, and Wagtail's generic field filters would
publish whatever the model grows next.
"""

from csp.decorators import csp_update
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError

from courses.cache_tags import PAGES_TAG
from p2pu.core.page_cache import page_cache_depends

from ..models import Organisation
from ..page_cache import CIRCLES_TAG
from ..public_circles import PublicCircleFilter, circle_public_data

#: The embed shows the soonest circles only; a link leads to the rest on the site.
EMBED_CIRCLES = 50


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=400)


@require_safe
def circles_api(request):
    # Circles, their courses' titles and addresses (pages), and organisations (purged with the circles).
    page_cache_depends(request, CIRCLES_TAG, PAGES_TAG)
    allowed = {*PublicCircleFilter.base_fields, "limit", "offset"}
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        return _bad_request(
            _("query parameter is not an operation or a recognised field: %(names)s") % {"names": ", ".join(unknown)}
        )
    form = PublicCircleFilter(request.GET)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        return _bad_request(f"{name}: {' '.join(errors)}")
    paginator = WagtailPagination()
    try:
        circles = paginator.paginate_queryset(form.circles(), request)
    except BadRequestError as error:
        return _bad_request(str(error))
    items = [circle_public_data(circle, request=request) for circle in circles]
    return JsonResponse({"meta": {"total_count": paginator.total_count}, "items": items})


@require_safe
@xframe_options_exempt
@csp_update({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})
def circles_embed(request):
    """A bare list of circles for another site's iframe: no header, footer or script of the site."""
    page_cache_depends(request, CIRCLES_TAG, PAGES_TAG)
    query = request.GET.copy()
    if "org" in query:
        query["organisation"] = query.pop("org")[-1]
    form = PublicCircleFilter(query)
    circles = list(form.circles()[:EMBED_CIRCLES]) if form.is_valid() else []
    organisation = None
    if form.is_valid() and form.cleaned_data["organisation"]:
        organisation = Organisation.objects.filter(slug=form.cleaned_data["organisation"]).first()
    return render(
        request,
        "cohorts/embed/circle_list.html",
        {"circles": circles, "organisation": organisation, "more": len(circles) == EMBED_CIRCLES},
    )
