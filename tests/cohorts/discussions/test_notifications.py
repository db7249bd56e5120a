"""Who hears about a post: starters of replies, mentioned members, everyone for a new thread; as they
chose (each, daily digest, off), at most once, never about a muted thread, and within a rate limit."""

import pytest
from django.core import mail, signing

from cohorts.discussions import notification_kinds, services
from cohorts.discussions.services.common import language_of
from cohorts.models import ReviewAssignment, ThreadMute
from cohorts.review import services as review_services
from p2pu.notifications.models import Notification
from p2pu.notifications.services import preference_set
from tests.cohorts.discussions.setup import discussion_circle
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.factories import UserFactory

EmailState = Notification.EmailState


@pytest.fixture
def dc(site_tree, django_capture_on_commit_callbacks):
    """As the shared fixture, with the notification task run after each commit as in production."""
    with django_capture_on_commit_callbacks(execute=True):
        yield discussion_circle()


def kinds_of(person) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_a_new_thread_reaches_the_other_members_in_one_bulk_send(dc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dc.thread(by=dc.ann, title="Reading list")
    assert kinds_of(dc.ann) == []
    assert kinds_of(dc.bob) == kinds_of(dc.facilitator) == [notification_kinds.NEW_THREAD]
    note = Notification.objects.get(recipient=dc.bob)
    assert note.title == "New in Evening circle: “Reading list”" and note.actor == dc.ann
    # New threads default to the daily digest.
    assert note.email_state == EmailState.DIGEST


def test_replies_reach_the_starter_and_mentions_the_mentioned(dc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = dc.thread(by=dc.ann)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        dc.reply(thread, by=dc.bob, body="Good idea, @fay what do you think?")
    assert kinds_of(dc.ann) == [notification_kinds.REPLY]
    assert kinds_of(dc.facilitator) == [notification_kinds.MENTION]
    assert kinds_of(dc.bob) == []
    mention = Notification.objects.get(recipient=dc.facilitator)
    assert mention.title == "Bob Learner mentioned you in “How do we start?”"
    assert "/discussion/mute/" in mention.body and mention.url.endswith(f"/discussion/posts/{thread.posts.last().pk}/")
    assert any(dc.facilitator.email in message.to for message in mail.outbox)  # mentions e-mail at once


def test_mentioning_someone_outside_the_circle_does_nothing(dc, django_capture_on_commit_callbacks):
    outsider = join(make_circle(course=dc.circle.course), UserFactory(username="carol")).user
    with django_capture_on_commit_callbacks(execute=True):
        thread = dc.thread(by=dc.ann, body="Hello @carol and @nobody")
    assert kinds_of(outsider) == []
    assert "/people/carol/" not in thread.posts.get().body_html
    assert list(thread.posts.get().mentioned.all()) == []


def test_preferences_decide_the_email(dc, django_capture_on_commit_callbacks):
    preference_set(user=dc.facilitator, kind=notification_kinds.MENTION, frequency="off")
    preference_set(user=dc.bob, kind=notification_kinds.MENTION, frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        dc.thread(by=dc.ann, body="@fay and @bob")
    assert Notification.objects.get(recipient=dc.facilitator).email_state == EmailState.SKIPPED
    assert Notification.objects.get(recipient=dc.bob).email_state == EmailState.DIGEST
    assert mail.outbox == []


def test_notifying_twice_sends_once(dc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = dc.thread(by=dc.ann, body="@bob look")
    post = thread.posts.get()
    assert services.post_notifications_send(post_id=post.pk) == 0
    assert Notification.objects.filter(recipient=dc.bob).count() == 1


def test_the_signed_link_mutes_one_thread_in_one_click(dc, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = dc.thread(by=dc.ann)
        dc.reply(thread, by=dc.bob)
    link = Notification.objects.get(recipient=dc.ann, kind=notification_kinds.REPLY).body.split(": ")[-1]
    path = link.removeprefix("http://testserver").removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200 and not ThreadMute.objects.exists()  # a link checker changes nothing
    assert client.post(path).status_code == 200  # no session, no CSRF token: the signature is the credential
    assert ThreadMute.objects.filter(thread=thread, user=dc.ann).exists()
    with django_capture_on_commit_callbacks(execute=True):
        dc.reply(thread, by=dc.facilitator, body="Another reply")
    assert Notification.objects.filter(recipient=dc.ann, kind=notification_kinds.REPLY).count() == 1
    tampered = path.replace("/mute/", "/mute/x")
    assert client.post(tampered).status_code == 400


def test_mute_tokens_name_one_person_and_thread(dc):
    thread = dc.thread()
    token = services.thread_mute_token_make(user=dc.bob, thread=thread)
    assert services.thread_mute_token_read(token=token, max_age=60) == (dc.bob.pk, thread.pk)
    with pytest.raises(signing.BadSignature):
        services.thread_mute_token_read(token=token + "x", max_age=60)


def test_each_person_receives_a_limited_number(dc, settings, django_capture_on_commit_callbacks):
    settings.DISCUSSION_NOTIFY_RATE = (2, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            dc.thread(by=dc.ann, title=f"Ping {number}", body="@bob")
    assert Notification.objects.filter(recipient=dc.bob).count() == 2
    # Her posts still went up: the limit is on what reaches bob, not on what ann may write.
    assert dc.circle.discussion_threads.count() == 4


def test_a_reviewers_identity_never_comes_through_the_discussion(client, site_tree, django_capture_on_commit_callbacks):
    """Peer review hides reviewers from authors; the discussion must not undo that."""
    with django_capture_on_commit_callbacks(execute=True):
        rc = review_circle(learners=4, k=1)
        author = rc.learners[0]
        work = hand_in(rc, author)
        for learner in rc.learners[1:]:
            hand_in(rc, learner)
        review_services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
        assignment = ReviewAssignment.objects.get(submission=work)
        reviewer = assignment.reviewer
        # A reviewer's "@author" inside a review is not a discussion mention: nobody is told, nothing links.
        review_done(assignment, comment=f"Nice plan @{author.username}, see the discussion")
        # In the discussion the reviewer speaks as a member, never as "the reviewer of" anyone.
        thread = services.thread_create(circle=rc.circle, by=reviewer, title="Plans", body=f"@{author.username} hi")
    mentions = Notification.objects.filter(recipient=author, kind=notification_kinds.MENTION)
    assert mentions.count() == 1  # the post, not the review
    note = mentions.get()
    assert "review" not in f"{note.title} {note.body}".lower() and "/reviews/" not in note.url
    client.force_login(author)
    pages = [
        client.get(f"/circles/{rc.circle.pk}/discussion/").content.decode(),
        client.get(thread.get_absolute_url()).content.decode(),
        client.get(f"/circles/{rc.circle.pk}/discussion/", {"q": "Nice plan"}).content.decode(),
        client.get("/notifications/").content.decode(),
    ]
    for page in pages:
        assert "/reviews/" not in page and "/submissions/" not in page and "Reviewer 1" not in page
    # The review's words are not searchable through the discussion.
    assert "No thread matches" in pages[2]


def test_each_person_hears_in_the_first_of_their_languages_the_site_speaks(settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("ar", "Arabic")]
    assert language_of(UserFactory.build(languages=["qu", "fr", "es"])) == "fr"
    assert language_of(UserFactory.build(languages=["qu"])) == settings.LANGUAGE_CODE
    assert language_of(UserFactory.build(languages=[])) == settings.LANGUAGE_CODE
