"""What the discussion services share: the acting person's access, rate limits, and the people to tell."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cohorts.models import Circle, Membership
from cohorts.permissions import CircleAccess, circle_access
from p2pu.core.permissions import require
from p2pu.core.rate_limits import RateLimit

#: Posting (a thread or a reply) per person; flags per person; notifications any one person receives.
POSTING = RateLimit("discussion.post", setting="DISCUSSION_POST_RATE")
FLAGGING = RateLimit("discussion.flag", setting="DISCUSSION_FLAG_RATE")
RECEIVING = RateLimit("discussion.notify", setting="DISCUSSION_NOTIFY_RATE")

NOT_A_MEMBER = _("Only this circle's members take part in its discussion.")
NOT_A_FACILITATOR = _("Only this circle's facilitators can do that.")


def member_access(circle: Circle, person) -> CircleAccess:
    """The person's access, refused unless they are an active member (a forged request fails here too)."""
    access = circle_access(user=person, circle=circle)
    require(access.is_member, NOT_A_MEMBER)
    return access


def facilitator_access(circle: Circle, person) -> CircleAccess:
    access = circle_access(user=person, circle=circle)
    require(access.is_facilitator, NOT_A_FACILITATOR)
    return access


def is_site_editor(person) -> bool:
    """Site editors look after circles (the permission to change them); they moderate facilitators' posts."""
    return bool(person and person.is_authenticated and person.is_active and person.has_perm("cohorts.change_circle"))


def moderator_access(circle: Circle, person) -> None:
    """Facilitators moderate their circle's discussion; site editors may step in anywhere."""
    if is_site_editor(person):
        return
    facilitator_access(circle, person)


def member_usernames(circle: Circle) -> set[str]:
    """Who may be mentioned: the circle's active members, and nobody else."""
    return set(Membership.objects.active().filter(circle=circle).values_list("user__username", flat=True))


def profile_url(username: str) -> str:
    return reverse("accounts:profile", kwargs={"username": username})


def site_editors():
    """The people who look after circles site-wide: they hear about flags on facilitators' posts."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="change_circle", user_permissions__content_type__app_label="cohorts")
            | Q(groups__permissions__codename="change_circle", groups__permissions__content_type__app_label="cohorts")
        )
        .distinct()
    )


def language_of(person) -> str:
    """The first of the person's languages the site speaks; the site's default otherwise."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for code in person.languages or ():
        if code in spoken and translation.check_for_language(code):
            return code
    return settings.LANGUAGE_CODE
