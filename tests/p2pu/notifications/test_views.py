"""The notifications pages: list, mark read, open, preferences; and who may do what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from p2pu.notifications import kinds, services
from p2pu.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_notifications(recipient, count, **fields):
    actor = UserFactory()
    return Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            kind="test.ping",
            title=f"Notification {number}",
            url="/circles/1/",
            actor=actor,
            dedupe_key=f"bulk:{number}",
            email_state=Notification.EmailState.SKIPPED,
            **fields,
        )
        for number in range(count)
    )


@pytest.mark.parametrize(
    ("method", "name", "kwargs"),
    [
        ("get", "notifications:list", {}),
        ("get", "notifications:preferences", {}),
        ("post", "notifications:preferences", {}),
        ("post", "notifications:mark_all_read", {}),
        ("post", "notifications:mark_read", {"pk": 1}),
        ("post", "notifications:open", {"pk": 1}),
    ],
)
def test_visitors_are_sent_to_sign_in(client, method, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_my_notifications_newest_first_with_unread_marked(client, user, other_user, send):
    send(user, title="Older one")
    newer = send(user, title="Newer one", body="Come and see")
    send(other_user, title="Someone else's")
    services.notification_mark_read(notification=newer, user=user)
    client.force_login(user)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.index("Newer one") < page.index("Older one")
    assert "Someone else&#x27;s" not in page
    assert page.count('class="notification is-unread"') == 1
    assert "Come and see" in page
    assert 'aria-label="1 unread"' in page
    assert "Mark all as read" in page


def test_an_empty_list_says_so(client, user):
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "empty-state" in page
    assert "Mark all as read" not in page


def test_the_list_page_costs_the_same_queries_for_5_or_50(client, user):
    client.force_login(user)
    url = reverse("notifications:list")
    client.get(url)  # warm the per-process caches (site, site settings) the first page view fills

    make_notifications(user, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    Notification.objects.all().delete()
    make_notifications(user, 50)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="notification is-unread"') == 20, "paginated"
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_later_pages_list_older_notifications(client, user):
    make_notifications(user, 25)
    client.force_login(user)

    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()

    assert second.count('class="notification is-unread"') == 5
    assert "Notification 0<" in second
    assert "Notification 24<" not in second
    assert 'rel="prev"' in second


def test_mark_read_returns_to_the_same_page(client, user, send):
    notification = send(user)
    client.force_login(user)

    response = client.post(
        reverse("notifications:mark_read", kwargs={"pk": notification.pk}), {"next": "/notifications/?page=2"}
    )

    assert response["Location"] == "/notifications/?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_will_not_redirect_off_site(client, user, send):
    notification = send(user)
    client.force_login(user)

    response = client.post(
        reverse("notifications:mark_read", kwargs={"pk": notification.pk}), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("notifications:list")


def test_marking_read_needs_a_post(client, user, send):
    notification = send(user)
    client.force_login(user)

    assert client.get(reverse("notifications:mark_read", kwargs={"pk": notification.pk})).status_code == 405
    assert client.get(reverse("notifications:open", kwargs={"pk": notification.pk})).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("name", ["notifications:mark_read", "notifications:open"])
def test_nobody_else_can_read_or_open_my_notification(client, user, other_user, send, name):
    notification = send(user)
    client.force_login(other_user)

    response = client.post(reverse(name, kwargs={"pk": notification.pk}))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_leaves_other_peoples_alone(client, user, other_user, send):
    send(user)
    send(user)
    theirs = send(other_user)
    client.force_login(user)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "unread" not in response.content.decode().split("</header>")[0], "the header badge is gone"


def test_opening_marks_read_and_follows_the_link(client, user, send):
    notification = send(user, url="/circles/3/")
    client.force_login(user)

    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))

    assert response.status_code == 302
    assert response["Location"] == "/circles/3/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_an_absolute_link_to_this_site_works(client, user, send, settings):
    settings.SITE_URL = "https://commons.example"
    notification = send(user, url="https://commons.example/circles/3/")
    client.force_login(user)

    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))

    assert response["Location"] == "https://commons.example/circles/3/"


def test_opening_never_leaves_the_site(client, user, send):
    notification = send(user, url="https://evil.example/phish")
    client.force_login(user)

    response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))

    assert response["Location"] == reverse("notifications:list")


def test_the_header_counts_unread_notifications(client, user, send):
    for _ in range(3):
        send(user)
    client.force_login(user)

    response = client.get(reverse("notifications:preferences"))

    assert response.context["unread_notification_count"] == 3
    assert 'aria-label="3 unread"' in response.content.decode()


def test_visitors_get_no_unread_count(client):
    response = client.get(reverse("notifications:unsubscribe", kwargs={"token": "x"}))
    assert "unread_notification_count" not in response.context


def test_the_preferences_form_has_a_labelled_select_per_kind(client, user):
    client.force_login(user)

    page = client.get(reverse("notifications:preferences")).content.decode()

    assert '<label for="id_test.ping">Someone pinged you</label>' in page
    assert '<label for="id_test.digested">Something worth a digest</label>' in page
    assert '<label for="id_all_email">All notification e-mail</label>' in page
    assert '<option value="daily" selected>' in page, "the digested kind shows its default"


def test_saving_preferences(client, user, send, mailoutbox):
    client.force_login(user)

    response = client.post(
        reverse("notifications:preferences"),
        {"all_email": "immediately", "test.ping": "off", "test.digested": "immediately"},
        follow=True,
    )

    assert "Your notification preferences are saved." in response.content.decode()
    assert services.preferences_get(user=user) == {"test.ping": "off", "test.digested": "immediately"}
    send(user, kind="test.digested")
    send(user, kind="test.ping")
    assert len(mailoutbox) == 1


def test_a_bad_choice_is_explained_and_changes_nothing(client, user):
    services.preference_set(user=user, kind="test.ping", frequency=kinds.Frequency.DAILY)
    client.force_login(user)

    response = client.post(
        reverse("notifications:preferences"), {"all_email": "sometimes", "test.ping": "off", "test.digested": "off"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert services.preferences_get(user=user) == {"test.ping": "daily"}


def test_times_show_in_the_viewers_zone(client, send):
    person = UserFactory(time_zone="Asia/Tokyo")
    notification = send(person)
    Notification.objects.filter(pk=notification.pk).update(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    client.force_login(person)

    page = client.get(reverse("notifications:list")).content.decode()

    assert "2 Mar 2026, 08:30" in page
