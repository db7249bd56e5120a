"""Meeting RSVP: members answer "Going" / "Not going" on the circle page or by a signed link in the reminder;
facilitators see who is coming. Wrong-side: anonymous, non-member, member of another circle, removed or
left member, tampered and expired links, cancelled and past meetings."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts import personal_data, services
from cohorts.models import Meeting, MeetingRsvp
from p2pu.core.links import absolute_reverse
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(circle):
    return join(circle)


@pytest.fixture
def meeting(circle):
    return circle.meetings.order_by("number").first()


def rsvp_url(meeting):
    return reverse("cohorts:meeting_rsvp", args=[meeting.circle_id, meeting.pk])


def answer_of(meeting, membership):
    return MeetingRsvp.objects.filter(meeting=meeting, membership=membership).values_list("answer", flat=True).first()


def link_token(url: str) -> str:
    return re.search(r"/circles/rsvp/([^/]+)/", url).group(1)


# The service -------------------------------------------------------------------------------------------


def test_the_latest_answer_counts(meeting, member):
    services.rsvp_set(meeting=meeting, membership=member, answer="going")
    services.rsvp_set(meeting=meeting, membership=member, answer="not_going")
    assert MeetingRsvp.objects.get(meeting=meeting, membership=member).answer == "not_going"


def test_only_an_active_member_of_that_circle_answers(course, meeting, member, facilitator):
    other = join(make_circle(course=course))
    with pytest.raises(PermissionDenied):
        services.rsvp_set(meeting=meeting, membership=other, answer="going")
    services.membership_leave(circle=meeting.circle, user=member.user)
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.rsvp_set(meeting=meeting, membership=member, answer="going")
    with pytest.raises(PermissionDenied):
        services.rsvp_set(meeting=meeting, membership=None, answer="going")


def test_no_answer_for_a_cancelled_or_past_meeting(meeting, member, facilitator):
    with time_machine.travel(meeting.starts_at, tick=False), pytest.raises(ValidationError):
        services.rsvp_set(meeting=meeting, membership=member, answer="going")
    services.meeting_cancel(meeting=meeting, by=facilitator)
    with pytest.raises(ValidationError):
        services.rsvp_set(meeting=meeting, membership=member, answer="going")
    assert not MeetingRsvp.objects.exists()


def test_an_answer_is_one_of_the_two(meeting, member):
    with pytest.raises(ValidationError):
        services.rsvp_set(meeting=meeting, membership=member, answer="maybe")


# The circle page ---------------------------------------------------------------------------------------


def test_a_member_answers_from_the_circle_page(client, circle, meeting, member):
    client.force_login(member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert ">Going</button>" in page and ">Not going</button>" in page
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 302 and response.url.endswith("#rsvp")
    assert answer_of(meeting, member) == "going"
    assert "Your answer: Going." in client.get(circle.get_absolute_url()).content.decode()


def test_the_facilitator_sees_counts_and_names_on_the_circle_and_manage_pages(client, circle, meeting, facilitator):
    going, away, silent = join(circle), join(circle), join(circle)
    services.rsvp_set(meeting=meeting, membership=going, answer="going")
    services.rsvp_set(meeting=meeting, membership=away, answer="not_going")
    client.force_login(facilitator)
    for url in (circle.get_absolute_url(), circle.get_manage_url()):
        page = client.get(url).content.decode()
        first = page[page.index(f'id="rsvp-{meeting.pk}"') :]
        first = first[: first.index("</dl>")]
        assert re.search(r'data-answer="going">1</span>: <bdi>' + re.escape(going.user.get_display_name()), first)
        assert re.search(r'data-answer="not_going">1</span>: <bdi>' + re.escape(away.user.get_display_name()), first)
        # The facilitator has not answered either.
        assert 'data-answer="none">2</span>' in first and silent.user.get_display_name() in first


def test_learners_see_their_own_answer_but_not_the_counts(client, circle, meeting, member):
    client.force_login(member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert "rsvp-counts" not in page


def test_cancelled_and_past_meetings_offer_no_buttons(client, circle, facilitator, member):
    first, second, third = circle.meetings.order_by("number")
    services.meeting_cancel(meeting=second, by=facilitator)
    Meeting.objects.filter(pk=first.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(member.user)
    page = client.get(circle.get_absolute_url()).content.decode()
    assert f'id="rsvp-{third.pk}"' in page
    assert f'id="rsvp-{first.pk}"' not in page and f'id="rsvp-{second.pk}"' not in page


def test_a_draft_circle_asks_nobody_yet(client, course, facilitator):
    draft = make_circle(course=course, facilitator=facilitator, publish=False)
    client.force_login(facilitator)
    for url in (draft.get_absolute_url(), draft.get_manage_url()):
        page = client.get(url).content.decode()
        assert 'id="rsvp"' not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    response = client.post(rsvp_url(meeting), {"answer": "going"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not MeetingRsvp.objects.exists()


def test_a_non_member_and_a_member_of_another_circle_are_refused(client, course, meeting):
    client.force_login(UserFactory())
    assert client.post(rsvp_url(meeting), {"answer": "going"}).status_code == 403
    elsewhere = join(make_circle(course=course))
    client.force_login(elsewhere.user)
    assert client.post(rsvp_url(meeting), {"answer": "going"}).status_code == 403
    assert not MeetingRsvp.objects.exists()


def test_a_meeting_of_another_circle_is_not_found(client, course, circle, member):
    other_meeting = make_circle(course=course).meetings.first()
    client.force_login(member.user)
    url = reverse("cohorts:meeting_rsvp", args=[circle.pk, other_meeting.pk])
    assert client.post(url, {"answer": "going"}).status_code == 404


def test_a_past_meeting_answer_is_refused_with_a_message(client, circle, meeting, member):
    client.force_login(member.user)
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1), tick=False):
        response = client.post(rsvp_url(meeting), {"answer": "going"}, follow=True)
    assert "This meeting has already begun." in response.content.decode()
    assert not MeetingRsvp.objects.exists()


def test_the_circle_page_makes_as_many_queries_for_many_meetings_and_members(client, course, facilitator):
    def page_queries(weeks: int, learners: int) -> int:
        circle = make_circle(course=course, facilitator=facilitator, weeks=weeks, capacity=20)
        members = [join(circle) for _ in range(learners)]
        for meeting in circle.meetings.all():
            for membership in members:
                services.rsvp_set(meeting=meeting, membership=membership, answer="going")
        client.force_login(facilitator)
        client.get(circle.get_absolute_url())  # warm the site's cached reads
        with CaptureQueriesContext(connection) as queries:
            assert client.get(circle.get_absolute_url()).status_code == 200
        return len(queries)

    assert page_queries(weeks=2, learners=1) == page_queries(weeks=8, learners=6)


def test_the_manage_page_makes_as_many_queries_for_many_meetings_and_members(client, course, facilitator):
    def page_queries(weeks: int, learners: int) -> int:
        circle = make_circle(course=course, facilitator=facilitator, weeks=weeks, capacity=20)
        members = [join(circle) for _ in range(learners)]
        for meeting in circle.meetings.all():
            services.rsvp_set(meeting=meeting, membership=members[0], answer="not_going")
        client.force_login(facilitator)
        client.get(circle.get_manage_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(circle.get_manage_url()).status_code == 200
        return len(queries)

    assert page_queries(weeks=2, learners=1) == page_queries(weeks=8, learners=6)


# The links in the reminder -----------------------------------------------------------------------------


@pytest.fixture
def reminded(circle, member, meeting):
    """The reminder a member got a day before the first meeting, with its two answer links."""
    services.meeting_reminders_send(now=meeting.starts_at - dt.timedelta(hours=23))
    body = Notification.objects.get(kind="circle.meeting_reminder", recipient=member.user).body
    going, not_going = re.findall(r"https?://\S+/circles/rsvp/\S+/", body)
    return {"going": going, "not_going": not_going}


def test_the_reminder_carries_a_going_and_a_not_going_link(reminded, member, meeting):
    assert "Going: " in Notification.objects.get(recipient=member.user).body
    link = services.rsvp_link_read(token=link_token(reminded["not_going"]))
    assert (link.membership, link.meeting, link.answer) == (member, meeting, "not_going")


def test_each_answer_link_is_the_address_reverse_gives_for_its_token(reminded):
    for url in reminded.values():
        assert url == absolute_reverse("cohorts:rsvp_link", kwargs={"token": link_token(url)})


def test_the_reminder_emails_html_part_makes_both_links_clickable(
    circle, member, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reminders_send(now=meeting.starts_at - dt.timedelta(hours=23))
    message = next(m for m in mailoutbox if m.to == [member.user.email])
    going, not_going = re.findall(r"https?://\S+/circles/rsvp/\S+/", message.body)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{going}"' in html
    assert f'<a href="{not_going}"' in html


def test_opening_the_link_asks_and_only_the_button_answers(client, reminded, member, meeting):
    path = reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])])
    page = client.get(path)
    assert page.status_code == 200 and ">Going</button>" in page.content.decode()
    assert not MeetingRsvp.objects.exists()  # a mail scanner opening the link answers nothing
    done = client.post(path)
    assert done.status_code == 200 and "Your answer is saved: Going." in done.content.decode()
    assert answer_of(meeting, member) == "going"
    client.post(reverse("cohorts:rsvp_link", args=[link_token(reminded["not_going"])]))
    assert answer_of(meeting, member) == "not_going"


def test_a_tampered_link_is_refused(client, reminded, member, meeting):
    token = link_token(reminded["going"])
    forged = signing.dumps({"membership": member.pk, "meeting": meeting.pk, "answer": "going"}, salt="elsewhere")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        assert client.post(reverse("cohorts:rsvp_link", args=[bad])).status_code == 400
    assert not MeetingRsvp.objects.exists()


def test_a_link_expires_when_the_meeting_begins(client, reminded, meeting):
    path = reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])])
    with time_machine.travel(meeting.starts_at, tick=False):
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410
    assert not MeetingRsvp.objects.exists()


def test_a_link_to_a_cancelled_meeting_is_refused(client, reminded, meeting, facilitator):
    services.meeting_cancel(meeting=meeting, by=facilitator)
    assert client.post(reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])])).status_code == 410
    assert not MeetingRsvp.objects.exists()


def test_a_member_who_left_cannot_use_their_old_link(client, reminded, member, circle, facilitator):
    services.membership_leave(circle=circle, user=member.user)
    response = client.post(reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])]))
    assert response.status_code == 403
    assert not MeetingRsvp.objects.exists()


def test_a_removed_member_cannot_use_their_old_link(client, reminded, member, facilitator):
    services.membership_remove(membership=member, by=facilitator)
    assert client.get(reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])])).status_code == 403


def test_a_link_answers_only_for_the_member_it_was_made_for(client, reminded, member, meeting, circle):
    someone_else = join(circle)
    client.force_login(someone_else.user)
    client.post(reverse("cohorts:rsvp_link", args=[link_token(reminded["going"])]))
    assert answer_of(meeting, member) == "going"
    assert answer_of(meeting, someone_else) is None


def test_answers_are_in_the_members_data_download(meeting, member):
    services.rsvp_set(meeting=meeting, membership=member, answer="going")
    exported = personal_data.export(user=member.user, files=[])
    assert [(row["meeting"], row["answer"]) for row in exported["meeting_answers"]] == [(meeting.number, "going")]
