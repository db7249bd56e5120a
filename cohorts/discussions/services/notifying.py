"""Telling people about a new post, after it is committed (run by the post_notifications_send task).

Who hears what, at most once per post (each notification's dedupe key names the post):
- people mentioned in it (active members only; a mention of anyone else links nothing and tells nobody);
- the thread's starter, about a reply;
- every other member, about a new (not anchored) thread, in one bulk call per language.
Nobody hears about their own post, about a thread they muted, or more than the per-recipient limit
allows; each hears in their own language where the site speaks it. Mentions and replies carry a signed
one-click link that mutes the thread.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _gettext

from cohorts.models import MembershipStatus, Post
from p2pu.core.links import absolute_reverse
from p2pu.notifications.services import notification_send, notifications_send_many

from .. import markdown, notification_kinds
from .common import RECEIVING, language_of
from .posting import thread_mute_token_make


def _mute_link(person, thread) -> str:
    token = thread_mute_token_make(user=person, thread=thread)
    return absolute_reverse("cohorts:discussions:mute", kwargs={"circle_id": thread.circle_id, "token": token})


def _body(post: Post, person) -> str:
    return "\n\n".join(
        [
            markdown.excerpt(post.body),
            _gettext("Stop notifications from this thread (one click): %(link)s")
            % {"link": _mute_link(person, post.thread)},
        ]
    )


def post_notifications_send(*, post_id: int) -> int:
    """Send what a post calls for; returns how many notifications were recorded. Safe to run twice."""
    post = (
        Post.objects.select_related("thread__circle", "thread__created_by", "author")
        .filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )
    if post is None or post.author is None:
        return 0
    thread, author = post.thread, post.author
    members = {
        membership.user.pk: membership.user
        for membership in thread.circle.memberships.filter(status=MembershipStatus.ACTIVE).select_related("user")
    }
    if author.pk not in members:
        return 0
    muted = set(thread.mutes.values_list("user_id", flat=True))
    told = {author.pk} | muted
    sent = 0
    url = post.get_absolute_url()
    name = author.get_display_name()

    for person in post.mentioned.filter(pk__in=members).exclude(pk__in=told):
        told.add(person.pk)
        if not RECEIVING.hit(person.pk):
            continue
        with translation.override(language_of(person)):
            sent += bool(
                notification_send(
                    recipient=person,
                    kind=notification_kinds.MENTION,
                    title=_gettext("%(name)s mentioned you in “%(thread)s”") % {"name": name, "thread": thread.title},
                    body=_body(post, person),
                    url=url,
                    actor=author,
                    dedupe_key=f"discussion.mention:{post.pk}",
                )
            )

    is_opening = thread.posts.in_order().values_list("pk", flat=True).first() == post.pk
    starter = members.get(thread.created_by_id)
    if not is_opening and starter is not None and starter.pk not in told:
        told.add(starter.pk)
        if RECEIVING.hit(starter.pk):
            with translation.override(language_of(starter)):
                sent += bool(
                    notification_send(
                        recipient=starter,
                        kind=notification_kinds.REPLY,
                        title=_gettext("%(name)s replied in “%(thread)s”") % {"name": name, "thread": thread.title},
                        body=_body(post, starter),
                        url=url,
                        actor=author,
                        dedupe_key=f"discussion.reply:{post.pk}",
                    )
                )

    if is_opening and not thread.is_anchored:
        groups: dict[str, list] = {}
        for person in members.values():
            if person.pk not in told and RECEIVING.hit(person.pk):
                groups.setdefault(language_of(person), []).append(person)
        for language, people in groups.items():
            with translation.override(language):
                sent += len(
                    notifications_send_many(
                        recipients=people,
                        kind=notification_kinds.NEW_THREAD,
                        title=_gettext("New in %(circle)s: “%(thread)s”")
                        % {"circle": thread.circle.name, "thread": thread.title},
                        body=_gettext("%(name)s wrote: %(excerpt)s")
                        % {"name": name, "excerpt": markdown.excerpt(post.body)},
                        url=thread.get_absolute_url(),
                        actor=author,
                        dedupe_key=f"discussion.new_thread:{thread.pk}",
                    )
                )
    return sent
