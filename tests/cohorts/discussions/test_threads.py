"""Threads, replies, editing within the grace period, deletion, unread markers, search and pagination."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.discussions import queries, services
from cohorts.models import Post, Thread
from tests.factories import UserFactory


def test_members_start_threads_and_reply(dc, client):
    client.force_login(dc.ann)
    response = client.post(dc.index_url, {"title": "  First   meeting plans ", "body": "Who has **ideas**?"})
    thread = Thread.objects.get(circle=dc.circle)
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.title == "First meeting plans" and thread.created_by == dc.ann and thread.post_count == 1

    client.force_login(dc.bob)
    response = client.post(f"{thread.get_absolute_url()}reply/", {"body": "Me! See https://example.org"})
    assert response.status_code == 302
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert b"<strong>ideas</strong>" in page.content
    assert b'rel="nofollow ugc noopener"' in page.content
    thread.refresh_from_db()
    assert thread.post_count == 2


def test_empty_posts_are_refused_next_to_the_field(dc, client):
    client.force_login(dc.ann)
    response = client.post(dc.index_url, {"title": "", "body": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "body"}
    assert not Thread.objects.exists()


def test_editing_within_the_grace_period_shows_edited(dc, client, _frozen_clock, settings):
    settings.DISCUSSION_EDIT_GRACE_MINUTES = 30
    thread = dc.thread()
    post = thread.posts.get()
    _frozen_clock.shift(dt.timedelta(minutes=10))
    client.force_login(dc.ann)
    response = client.post(f"/circles/{dc.circle.pk}/discussion/posts/{post.pk}/edit/", {"body": "Better words."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Better words." and post.edited_at is not None
    assert b"(edited)" in client.get(thread.get_absolute_url()).content

    _frozen_clock.shift(dt.timedelta(minutes=21))
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, by=dc.ann, body="Too late.")
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, by=dc.bob, body="Not mine.")


def test_deleting_leaves_a_deleted_mark(dc, client):
    thread = dc.thread()
    reply = dc.reply(thread, body="Something I regret")
    client.force_login(dc.bob)
    response = client.post(f"/circles/{dc.circle.pk}/discussion/posts/{reply.pk}/delete/")
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_deleted and reply.body == "" and reply.body_html == ""
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "regret" not in page and "<em>deleted</em>" in page
    with pytest.raises(PermissionDenied):
        services.post_delete(post=thread.posts.first(), by=dc.bob)


def test_unread_markers_and_new_since_last_visit(dc, client, _frozen_clock):
    first = dc.thread(title="One")
    dc.thread(title="Two")
    assert queries.unread_count(circle=dc.circle, user=dc.bob) == 2
    assert queries.unread_count(circle=dc.circle, user=dc.ann) == 0  # her own posts

    client.force_login(dc.bob)
    client.get(first.get_absolute_url())
    assert queries.unread_count(circle=dc.circle, user=dc.bob) == 1
    listing = {t.title: t.unread for t in queries.threads_listed(circle=dc.circle, user=dc.bob)}
    assert listing == {"One": False, "Two": True}

    _frozen_clock.shift(dt.timedelta(hours=2))
    dc.reply(first, by=dc.ann, body="A later thought")
    assert queries.unread_count(circle=dc.circle, user=dc.bob) == 2
    _frozen_clock.shift(dt.timedelta(hours=1))
    page = client.get(first.get_absolute_url())
    new = [item["post"].body for item in page.context["posts"] if item["is_new"]]
    assert new == ["A later thought"]
    assert b"New since your last visit" in page.content
    # Reading page 2 or coming back from a reply a moment later still shows what was new on arriving.
    _frozen_clock.shift(dt.timedelta(minutes=1))
    again = client.get(first.get_absolute_url())
    assert [item["post"].body for item in again.context["posts"] if item["is_new"]] == ["A later thought"]


def test_circle_page_shows_the_unread_count_to_members_only(dc, client):
    dc.thread()
    client.force_login(dc.bob)
    page = client.get(dc.circle.get_absolute_url()).content.decode()
    assert "Open the circle's discussion" in page and "1 thread with new posts" in page
    client.force_login(UserFactory())
    assert "discussion" not in client.get(dc.circle.get_absolute_url()).content.decode().lower()


def test_search_within_the_circle(dc, client):
    dc.thread(title="Snacks", body="Who brings fruit?")
    hidden = dc.thread(title="Venue", body="Library room")
    dc.reply(hidden, body="The secret password is swordfish")
    services.post_hide(post=hidden.posts.last(), by=dc.facilitator, reason="Private")
    client.force_login(dc.bob)
    titles = lambda q: [t.title for t in client.get(dc.index_url, {"q": q}).context["page_obj"]]  # noqa: E731
    assert titles("fruit") == ["Snacks"]
    assert titles("library room") == ["Venue"]
    assert titles("swordfish") == []


@pytest.mark.parametrize("replies", [30, 120])
def test_a_page_of_posts_costs_the_same_queries_at_any_size(dc, client, replies, settings):
    settings.DISCUSSION_POST_RATE = (10_000, 60)
    thread = dc.thread()
    people = [dc.ann, dc.bob, dc.facilitator]
    Post.objects.bulk_create(
        Post(thread=thread, author=people[i % 3], body=f"Reply {i}", body_html=f"<p>Reply {i}</p>")
        for i in range(replies)
    )
    client.force_login(dc.bob)
    client.get(thread.get_absolute_url())  # sessions and first-visit writes out of the way
    with CaptureQueriesContext(connection) as middle:
        assert client.get(thread.get_absolute_url(), {"page": 2}).status_code == 200
    with CaptureQueriesContext(connection) as last:
        assert client.get(thread.get_absolute_url(), {"page": "last"}).status_code == 200
    assert len(middle) == len(last) == QUERIES_PER_THREAD_PAGE, [q["sql"][:150] for q in middle.captured_queries]


#: User, circle, membership, thread, post count, read mark (unchanged: no write), posts with their authors,
#: attachments, mute, members to mention; then the site's own unread notifications. The session, the site
#: and its settings come from the cache.
QUERIES_PER_THREAD_PAGE = 11


@pytest.mark.parametrize("threads", [10, 60])
def test_the_thread_list_costs_the_same_queries_at_any_size(dc, client, threads):
    Thread.objects.bulk_create(Thread(circle=dc.circle, title=f"T{i}", created_by=dc.ann) for i in range(threads))
    client.force_login(dc.bob)
    client.get(dc.index_url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(dc.index_url).status_code == 200
    assert len(captured) == QUERIES_PER_INDEX_PAGE, [q["sql"] for q in captured.captured_queries]


#: User, circle, membership, thread count, threads with read marks; then the site's unread notifications
#: (the session, the site and its settings come from the cache).
QUERIES_PER_INDEX_PAGE = 6


def test_locked_threads_take_no_posts_but_from_facilitators(dc):
    thread = dc.thread()
    services.thread_lock_set(thread=thread, by=dc.facilitator, locked=True)
    with pytest.raises(PermissionDenied):
        dc.reply(thread, by=dc.bob)
    dc.reply(thread, by=dc.facilitator, body="Closing note.")
    assert thread.posts.count() == 2


def test_service_refuses_people_outside_the_circle(dc):
    with pytest.raises(PermissionDenied):
        services.thread_create(circle=dc.circle, by=UserFactory(), title="Hi", body="Let me in")
    with pytest.raises(ValidationError):
        services.thread_create(circle=dc.circle, by=dc.ann, title="Hi", body="")


def test_times_show_in_the_viewers_zone(dc, client):
    thread = dc.thread()  # written at 09:30 UTC (the frozen clock)
    dc.bob.time_zone = "Asia/Tokyo"
    dc.bob.save(update_fields=["time_zone"])
    client.force_login(dc.bob)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Tue 10 Mar 2026, 18:30" in page and 'datetime="2026-03-10T18:30:00+09:00"' in page


def test_search_words_survive_pagination_links(dc, client, settings):
    settings.DISCUSSION_THREADS_PER_PAGE = 1
    dc.thread(title="Tea & cake")
    dc.thread(title="Tea & biscuits")
    client.force_login(dc.bob)
    page = client.get(dc.index_url, {"q": "tea &"}).content.decode()
    assert "?q=tea+%26&amp;page=2" in page
