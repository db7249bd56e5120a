"""Each meeting has its thread, and each discussion block of a module has one per circle, shown under
the block when a member reads the module through the circle; the public module page is unchanged."""

from cohorts.discussions import services
from cohorts.models import Thread
from tests.cohorts.discussions.setup import QUESTION_ID, discussion_circle
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory


def test_a_meetings_thread_is_made_by_its_first_post(dc, client):
    meeting = dc.circle.meetings.order_by("number")[2]
    client.force_login(dc.ann)
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Start the conversation before and after meeting 3" in meeting_page
    url = f"{dc.index_url}meetings/{meeting.pk}/"
    assert client.get(url).status_code == 200
    assert not Thread.objects.exists()  # reading writes nothing

    assert client.post(url, {"body": "Shall we read chapter 2 first?"}).status_code == 302
    thread = Thread.objects.get()
    assert thread.meeting == meeting and thread.title == "Before and after meeting 3"
    assert client.get(url)["Location"] == thread.get_absolute_url()
    assert "Before and after meeting 3" in client.get(meeting.get_absolute_url()).content.decode()
    # A second post goes to the same thread.
    client.force_login(dc.bob)
    client.post(url, {"body": "Yes."})
    assert Thread.objects.get().post_count == 2


def test_module_blocks_have_a_thread_per_circle_shown_to_members_only(dc, client):
    module_url = f"/circles/{dc.circle.pk}/modules/{dc.module.pk}/"
    block_url = f"{dc.index_url}modules/{dc.module.pk}/blocks/{QUESTION_ID}/"
    client.force_login(dc.ann)
    page = client.get(module_url).content.decode()
    assert "What helps a group?" in page and block_url in page and "Discuss this question with your circle" in page
    services.anchored_post_create(circle=dc.circle, by=dc.ann, body="Trust.", module=dc.module, block_id=QUESTION_ID)
    assert "discussion of this question: 1 post" in client.get(module_url).content.decode()

    # Another circle on the same course has its own thread under the same block.
    other = make_circle(course=dc.circle.course, facilitator=UserFactory())
    carol = join(other, UserFactory()).user
    services.anchored_post_create(circle=other, by=carol, body="Snacks.", module=dc.module, block_id=QUESTION_ID)
    assert Thread.objects.filter(block_id=QUESTION_ID).count() == 2
    client.force_login(carol)
    assert "Trust." not in client.get(f"/circles/{other.pk}/discussion/modules/{dc.module.pk}/blocks/{QUESTION_ID}/",
                                      follow=True).content.decode()  # fmt: skip

    # The public module page is the same for everyone, members included: no circle's discussion on it.
    client.force_login(dc.ann)
    public = client.get(dc.module.url).content.decode()
    assert "What helps a group?" in public
    assert "/discussion/" not in public and "Discuss this question with your circle" not in public


def test_only_discussion_blocks_take_threads(dc, client):
    client.force_login(dc.ann)
    text_block_id = dc.module.body[0].id
    assert client.get(f"{dc.index_url}modules/{dc.module.pk}/blocks/{text_block_id}/").status_code == 404
    assert client.get(f"{dc.index_url}modules/{dc.module.pk}/blocks/no-such-block/").status_code == 404


def test_meeting_threads_are_not_announced_as_new_threads(site_tree, django_capture_on_commit_callbacks):
    dc = discussion_circle()
    meeting = dc.circle.meetings.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.anchored_post_create(circle=dc.circle, by=dc.ann, body="See you there", meeting=meeting)
    assert not dc.bob.notifications.exists()


def test_a_meeting_dropped_by_rescheduling_keeps_its_conversation(dc):
    meeting = dc.circle.meetings.order_by("number").last()
    post = services.anchored_post_create(circle=dc.circle, by=dc.ann, body="Keep this", meeting=meeting)
    meeting.delete()
    post.refresh_from_db()
    assert post.body == "Keep this" and post.thread.meeting is None
