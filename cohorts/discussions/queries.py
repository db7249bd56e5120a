"""Reading a circle's discussion: listings with unread markers, pages of posts, counts. No writes.

Every listing here costs a fixed number of queries however many threads or posts there are: the
person's read mark comes in as a subquery, and a page of posts brings its authors along.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When

from cohorts.models import Circle, Post, PostFlag, Thread, ThreadMute, ThreadRead


def threads_listed(*, circle: Circle, user, search: str = "") -> QuerySet:
    """The circle's threads as its discussion page lists them, each with ``unread`` for this person."""
    threads = Thread.objects.filter(circle=circle)
    if search.strip():
        threads = Thread.objects.filter(pk__in=threads.search(search).values("pk"))
    threads = threads.select_related("created_by", "meeting").listed()
    seen = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("seen_at")[:1]
    unread = Q(seen_at__isnull=True) | Q(last_posted_at__gt=F("seen_at"))
    return threads.annotate(seen_at=Subquery(seen)).annotate(
        unread=Case(When(unread, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def threads_page(*, circle: Circle, user, page: str | int | None, search: str = "") -> Page:
    return Paginator(
        threads_listed(circle=circle, user=user, search=search), settings.DISCUSSION_THREADS_PER_PAGE
    ).get_page(page)


def unread_count(*, circle: Circle, user) -> int:
    """How many of the circle's threads have posts this person has not seen: one query."""
    seen_after = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user, seen_at__gte=OuterRef("last_posted_at"))
    return Thread.objects.filter(circle=circle).exclude(Exists(seen_after)).count()


def posts_page(*, thread: Thread, page: str | int | None) -> Page:
    """One page of a thread's posts, oldest first, with authors and attachments: three queries at any size."""
    return Paginator(thread.posts.in_order().for_page(), settings.DISCUSSION_POSTS_PER_PAGE).get_page(page)


def page_of_post(post: Post) -> int:
    """Which page of its thread a post is on (for links to one post)."""
    before = Post.objects.filter(thread_id=post.thread_id).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    )
    return before.count() // settings.DISCUSSION_POSTS_PER_PAGE + 1


def anchored_threads(*, circle: Circle, module_id: int) -> dict[str, Thread]:
    """The circle's threads under the discussion blocks of one module, by block id."""
    return {
        thread.block_id: thread
        for thread in Thread.objects.filter(circle=circle, module_id=module_id).exclude(block_id="")
    }


def mentionable_members(*, circle: Circle) -> list[tuple[str, str]]:
    """(username, name) of the circle's active members, for the "who can I mention" hint: one query."""
    people = circle.memberships.active().select_related("user").order_by("user__username")
    return [(m.user.username, m.user.get_display_name()) for m in people]


def is_muted(*, thread: Thread, user) -> bool:
    return ThreadMute.objects.filter(thread=thread, user=user).exists()


def open_flags(*, circle: Circle) -> QuerySet:
    return (
        PostFlag.objects.open()
        .filter(post__thread__circle=circle)
        .select_related("post__thread", "post__author", "raised_by")
        .order_by("created_at")
    )
