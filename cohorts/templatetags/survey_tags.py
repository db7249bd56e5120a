"""Template helpers for goals and end-of-circle surveys: the box on a circle's page, the list on /me/."""

from django import template
from django.conf import settings
from django.utils import timezone

from cohorts.models import CircleState, Membership, Role
from cohorts.surveys.queries import answered, pending_end_surveys, survey_url
from cohorts.surveys.services import GOAL_EDITABLE_STATES, GOAL_EDITABLE_STATUSES
from cohorts.surveys.window import survey_open

register = template.Library()


@register.inclusion_tag("cohorts/surveys/includes/circle_box.html")
def circle_goal_and_survey(access):
    """For the circle's own people: their goal (while it may change), and once the circle has finished,
    “Tell us how it went” until they answer. Nothing for anyone else (the page's cached copy included)."""
    membership, circle = access.membership, access.circle
    if membership is None:
        return {}
    now = timezone.now()
    ask = (
        access.is_member
        and circle.state == CircleState.FINISHED
        and survey_open(finished_at=circle.state_changed_at, now=now, open_days=settings.END_SURVEY_OPEN_DAYS)
        and not Membership.objects.filter(pk=membership.pk).filter(answered()).exists()
    )
    return {
        "circle": circle,
        "membership": membership,
        "goal_editable": membership.status in GOAL_EDITABLE_STATUSES and circle.state in GOAL_EDITABLE_STATES,
        "ask": ask,
        "is_learner": membership.role == Role.LEARNER,
        "survey_url": survey_url(circle.pk),
    }


@register.inclusion_tag("cohorts/surveys/includes/surveys_to_do.html", takes_context=True)
def end_surveys_to_do(context):
    """The signed-in person's finished circles whose survey is open and unanswered (one query)."""
    memberships = pending_end_surveys(user=context["request"].user, now=timezone.now())
    return {"pending": [(m, survey_url(m.circle_id)) for m in memberships]}
