"""Who may do what with a course rating, in one place.

Anyone reads the visible ratings of a public course. Signed-in people flag a review they can read, but
not their own. The course's maintainers (its credited maintainers, courses.permissions) reply. Site
editors (who look after circles, as for discussion flags) moderate: the course's maintainers do not,
since a review of their own course is the one they may least fairly judge; they answer it instead.
"""

from courses.permissions import is_maintainer

from ..discussions.services.common import is_site_editor


def can_flag(*, user, rating) -> bool:
    return (
        user.is_authenticated and user.is_active and rating.hidden_at is None and rating.membership.user_id != user.pk
    )


def can_reply(*, user, rating) -> bool:
    return rating.hidden_at is None and is_maintainer(user=user, course=rating.course)


def can_moderate(user) -> bool:
    return is_site_editor(user)
