"""Peer review on course pages: "Submit work" next to each activity, for members of circles following it."""

from django.template.loader import render_to_string
from wagtail import hooks

from cohorts.models import CircleState, Membership, SubmissionAuthor


def _circles_following(request, module) -> list[dict]:
    """The viewer's circles that pinned this module, with their role and the work they handed in.

    Worked out once per request and module (two queries), since the hook runs for every activity. On
    a circle's own copy of the module, only that circle counts.
    """
    cache = request.__dict__.setdefault("_peer_review_circles", {})
    if module.pk in cache:
        return cache[module.pk]
    memberships = (
        Membership.objects.active()
        .filter(
            user=request.user,
            circle__state__in=[CircleState.OPEN, CircleState.RUNNING],
            circle__pinned_modules__module_id=module.pk,
        )
        .select_related("circle")
        .order_by("circle__name", "pk")
    )
    match = request.resolver_match
    if match and match.view_name == "cohorts:module":
        memberships = memberships.filter(circle_id=match.kwargs["circle_id"])
    memberships = list(memberships)
    authorships = SubmissionAuthor.objects.filter(
        user=request.user, activity__circle__in=[m.circle_id for m in memberships], activity__module_id=module.pk
    ).values_list("activity__circle_id", "activity__activity_id", "submission__state")
    handed_in = {(circle_id, activity_id): state for circle_id, activity_id, state in authorships}
    cache[module.pk] = [{"membership": m, "circle": m.circle, "handed_in": handed_in} for m in memberships]
    return cache[module.pk]


@hooks.register("courses_activity_actions")
def submit_work_action(request, module, activity_id, value):
    if request is None or not request.user.is_authenticated or not module.pk:
        return ""
    circles = _circles_following(request, module)
    if not circles:
        return ""
    entries = [
        {
            "circle": entry["circle"],
            "is_facilitator": entry["membership"].is_facilitator,
            "state": entry["handed_in"].get((entry["circle"].pk, activity_id)),
        }
        for entry in circles
    ]
    return render_to_string(
        "cohorts/review/includes/activity_actions.html",
        {"entries": entries, "module": module, "activity_id": activity_id, "value": value},
        request=request,
    )
