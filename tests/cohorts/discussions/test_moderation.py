"""Facilitators hide, lock, pin and move; members flag; flags reach the right people; posting is rate-limited."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from cohorts.discussions import notification_kinds, services
from cohorts.models import Post, PostFlag, Thread
from p2pu.notifications.models import Notification
from tests.factories import UserFactory


def test_hiding_a_post_tells_its_author_why(dc, client, django_capture_on_commit_callbacks):
    thread = dc.thread()
    reply = dc.reply(thread, body="Off topic rant")
    client.force_login(dc.facilitator)
    url = f"{dc.index_url}posts/{reply.pk}/hide/"
    assert client.post(url, {"reason": ""}).status_code == 400  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Please stay on topic"}).status_code == 302
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == "Please stay on topic"
    note = Notification.objects.get(recipient=dc.bob, kind=notification_kinds.POST_HIDDEN)
    assert "Please stay on topic" in note.body
    services.post_unhide(post=reply, by=dc.facilitator)
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_lock_and_pin(dc, client):
    old = dc.thread(title="Old")
    dc.thread(title="Newer")
    client.force_login(dc.facilitator)
    client.post(f"{dc.index_url}threads/{old.pk}/pin/")
    client.post(f"{dc.index_url}threads/{old.pk}/lock/")
    old.refresh_from_db()
    assert old.pinned and old.locked
    client.force_login(dc.bob)
    assert [t.title for t in client.get(dc.index_url).context["page_obj"]] == ["Old", "Newer"]
    page = client.get(old.get_absolute_url()).content.decode()
    assert "This thread is locked" in page and "Post reply" not in page
    client.post(f"{dc.index_url}threads/{old.pk}/reply/", {"body": "Sneaking in"})
    assert old.posts.count() == 1


def test_moving_a_reply_to_another_thread(dc, client):
    source = dc.thread(title="Snacks")
    target = dc.thread(title="Venue")
    stray = dc.reply(source, body="The library is free on Tuesdays")
    client.force_login(dc.facilitator)
    response = client.post(f"{dc.index_url}posts/{stray.pk}/move/", {"to_thread": target.pk})
    assert response.status_code == 302
    stray.refresh_from_db()
    source.refresh_from_db()
    target.refresh_from_db()
    assert stray.thread == target and stray.moved_from == source
    assert (source.post_count, target.post_count) == (1, 2)
    with pytest.raises(ValidationError):
        services.post_move(post=source.posts.get(), by=dc.facilitator, to_thread=target)  # an opening post stays
    other_circle_thread = Thread.objects.create(circle=dc.circle, title="x")
    other_circle_thread.circle_id = 0  # a thread of some other circle
    with pytest.raises(ValidationError):
        services.post_move(post=stray, by=dc.facilitator, to_thread=other_circle_thread)


def test_flags_reach_the_facilitators(dc, client, django_capture_on_commit_callbacks):
    thread = dc.thread()
    reply = dc.reply(thread, body="Spammy link")
    client.force_login(dc.ann)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{dc.index_url}posts/{reply.pk}/flag/", {"reason": "spam", "note": "An advert"})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=dc.facilitator, kind=notification_kinds.FLAG).count() == 1
    assert not Notification.objects.filter(recipient=dc.bob, kind=notification_kinds.FLAG).exists()
    # Flagging twice is refused next to the form; your own posts cannot be flagged.
    assert client.post(f"{dc.index_url}posts/{reply.pk}/flag/", {"reason": "spam"}).status_code == 400
    client.force_login(dc.facilitator)
    queue = client.get(f"{dc.index_url}flags/").content.decode()
    assert "Spammy link" in queue and "An advert" in queue
    flag = PostFlag.objects.get()
    client.post(f"{dc.index_url}flags/{flag.pk}/dismiss/")
    flag.refresh_from_db()
    assert flag.resolved_by == dc.facilitator


def test_flags_on_a_facilitators_post_reach_site_editors(dc, client, django_capture_on_commit_callbacks):
    editor = UserFactory()
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_circle", content_type__app_label="cohorts"),
    )
    thread = dc.thread(by=dc.facilitator, body="Facilitator snark")
    with django_capture_on_commit_callbacks(execute=True):
        flag = services.post_flag(post=thread.posts.get(), by=dc.bob, reason="unkind")
    note = Notification.objects.get(recipient=editor, kind=notification_kinds.FLAG)
    assert not Notification.objects.filter(recipient=dc.facilitator, kind=notification_kinds.FLAG).exists()

    client.force_login(dc.ann)  # a member is no site editor
    assert client.get(note.url).status_code in (302, 403)
    client.force_login(editor)
    assert client.get("/admin/discussion_flags/").status_code == 200
    assert "Facilitator snark" in client.get(note.url).content.decode()
    assert client.post(note.url, {"reason": "Be kind, even when facilitating"}).status_code == 302
    post = thread.posts.get()
    assert post.is_hidden and post.hidden_by == editor
    flag.refresh_from_db()
    assert flag.resolved_by == editor


def test_posting_is_rate_limited_with_a_clear_message(dc, client, settings):
    settings.DISCUSSION_POST_RATE = (2, 600)
    thread = dc.thread(by=dc.ann)  # one
    client.force_login(dc.ann)
    assert client.post(f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "two"}).status_code == 302
    refused = client.post(f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "three"})
    assert refused.status_code == 400
    assert "You have posted a lot in a short time. Please wait 10 minutes" in refused.content.decode()
    assert "three" in refused.content.decode()  # nothing typed is lost
    as_json = client.post(
        f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "four"}, headers={"accept": "application/json"}
    )
    assert as_json.status_code == 429 and int(as_json["Retry-After"]) > 0
    assert "posted a lot" in as_json.json()["errors"][0]
    assert Post.objects.filter(thread=thread).count() == 2
    # Someone else may still post.
    client.force_login(dc.bob)
    assert client.post(f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "bob"}).status_code == 302


def test_replying_as_json(dc, client):
    thread = dc.thread()
    client.force_login(dc.bob)
    response = client.post(
        f"{dc.index_url}threads/{thread.pk}/reply/", {"body": "**json**"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 201 and "<strong>json</strong>" in response.json()["html"]
