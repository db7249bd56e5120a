"""From the wrong side: every discussion URL answers 404 to anyone but an active member of the circle,
and a hidden post is seen only by its author and the facilitators."""

import pytest

from cohorts import services as circle_services
from cohorts.discussions import services
from cohorts.models import Post, PostFlag, Thread
from tests.cohorts.discussions.images import png_upload
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory


def every_url(dc) -> list[str]:
    thread = dc.thread(images=[png_upload()])
    reply = dc.reply(thread)
    flag = services.post_flag(post=reply, by=dc.ann, reason="unkind")
    attachment = thread.posts.first().attachments.get()
    meeting = dc.circle.meetings.first()
    token = services.thread_mute_token_make(user=dc.ann, thread=thread)
    base = dc.index_url
    return [
        base,
        f"{base}?q=start",
        f"{base}threads/{thread.pk}/",
        f"{base}threads/{thread.pk}/reply/",
        f"{base}threads/{thread.pk}/mute/",
        f"{base}threads/{thread.pk}/lock/",
        f"{base}threads/{thread.pk}/pin/",
        f"{base}meetings/{meeting.pk}/",
        f"{base}modules/{dc.module.pk}/blocks/5d1c2a4e-6b7f-4c1d-9e2f-3a4b5c6d7e8f/",
        f"{base}posts/{reply.pk}/",
        f"{base}posts/{reply.pk}/edit/",
        f"{base}posts/{reply.pk}/delete/",
        f"{base}posts/{reply.pk}/flag/",
        f"{base}posts/{reply.pk}/hide/",
        f"{base}posts/{reply.pk}/unhide/",
        f"{base}posts/{reply.pk}/move/",
        f"{base}flags/",
        f"{base}flags/{flag.pk}/dismiss/",
        f"{base}attachments/{attachment.pk}/",
        f"{base}mute/{token}/".replace(f"/{dc.circle.pk}/", "/{other}/"),
    ]


@pytest.fixture
def outsiders(dc):
    elsewhere = make_circle(course=dc.circle.course)
    other_member = join(elsewhere, UserFactory()).user
    waiting_circle_full = UserFactory()
    dc.circle.capacity = 2
    dc.circle.save(update_fields=["capacity"])
    waitlisted = join(dc.circle, waiting_circle_full)
    assert waitlisted.status == "waitlisted"
    return {
        "anonymous": None,
        "signed-in stranger": UserFactory(),
        "member of another circle": other_member,
        "on the waitlist": waitlisted.user,
        "facilitator of another circle": elsewhere.created_by,
    }, elsewhere


@pytest.mark.parametrize(
    "who",
    ["anonymous", "signed-in stranger", "member of another circle", "on the waitlist", "facilitator of another circle"],
)
def test_every_discussion_url_is_404_from_outside(dc, client, outsiders, who):
    people, elsewhere = outsiders
    urls = every_url(dc)
    # The e-mailed mute link is tried under the other circle's address: a token does not cross circles.
    urls[-1] = urls[-1].replace("{other}", str(elsewhere.pk))
    before = (Thread.objects.count(), Post.objects.count(), PostFlag.objects.open().count())
    if people[who] is not None:
        client.force_login(people[who])
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x", "title": "x", "reason": "spam", "muted": "1"}).status_code == 404, url
    assert (Thread.objects.count(), Post.objects.count(), PostFlag.objects.open().count()) == before


def test_a_member_who_left_loses_the_discussion(dc, client):
    thread = dc.thread()
    circle_services.membership_leave(circle=dc.circle, user=dc.bob)
    client.force_login(dc.bob)
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_hidden_posts_show_only_to_their_author_and_facilitators(dc, client):
    thread = dc.thread()
    reply = dc.reply(thread, body="Rude words here", images=[png_upload()])
    services.post_hide(post=reply, by=dc.facilitator, reason="Please keep it kind")
    attachment_url = f"{dc.index_url}attachments/{reply.attachments.get().pk}/"

    client.force_login(dc.ann)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Rude words" not in page and "Hidden by a facilitator." in page and "keep it kind" not in page
    assert client.get(attachment_url).status_code == 404

    client.force_login(dc.bob)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Rude words" in page and "Reason: Please keep it kind" in page
    assert client.get(attachment_url).status_code == 200

    client.force_login(dc.facilitator)
    assert "Rude words" in client.get(thread.get_absolute_url()).content.decode()


def test_members_cannot_moderate(dc, client):
    thread = dc.thread()
    reply = dc.reply(thread)
    client.force_login(dc.ann)
    assert client.post(f"{dc.index_url}threads/{thread.pk}/lock/").status_code == 403
    assert client.post(f"{dc.index_url}posts/{reply.pk}/hide/", {"reason": "mine now"}).status_code == 403
    assert client.get(f"{dc.index_url}flags/").status_code == 403
    thread.refresh_from_db()
    reply.refresh_from_db()
    assert not thread.locked and not reply.is_hidden
