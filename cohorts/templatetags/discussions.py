"""Template tags that put the discussion on circle, meeting and module pages ({% load discussions %}).

Registered as a library in settings (TEMPLATES ... "libraries"), so the discussion keeps its tags in its
own package. Each tag shows nothing to anyone but an active member of the circle.
"""

from django import template

from cohorts.discussions import queries
from cohorts.models import Thread
from cohorts.permissions import CircleAccess, circle_access

register = template.Library()


@register.inclusion_tag("cohorts/discussions/includes/circle_box.html")
def circle_discussion(access: CircleAccess):
    """The circle page's link to its discussion, with how many threads have something new."""
    if not access.is_member:
        return {"show": False}
    unread = queries.unread_count(circle=access.circle, user=access.user)
    return {"show": True, "circle": access.circle, "unread": unread}


@register.inclusion_tag("cohorts/discussions/includes/meeting_box.html")
def meeting_discussion(access: CircleAccess, meeting):
    """The meeting page's box: its thread ("Before and after meeting 3"), or the way to start it."""
    if not access.is_member:
        return {"show": False}
    thread = Thread.objects.filter(meeting=meeting).first()
    return {"show": True, "circle": access.circle, "meeting": meeting, "thread": thread}


@register.simple_tag(takes_context=True)
def discussion_block_threads(context, circle, module):
    """Load, once per page, the circle's threads under this module's discussion blocks (None for non-members)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not circle_access(user=user, circle=circle).is_member:
        return None
    return queries.anchored_threads(circle=circle, module_id=module.pk)


@register.inclusion_tag("cohorts/discussions/includes/block_box.html")
def block_discussion(block_threads, circle, module, block):
    """Under one discussion block of a module a member reads through their circle: its thread."""
    if block_threads is None or block.block_type != "discussion":
        return {"show": False}
    return {
        "show": True,
        "circle": circle,
        "module": module,
        "block": block,
        "thread": block_threads.get(block.id),
    }
