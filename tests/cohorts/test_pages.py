"""The circle pages as people use them: starting a circle from a course, the join button, running it."""

import datetime as dt
from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cohorts import services
from cohorts.models import Circle, Meeting, Membership
from p2pu.notifications.models import Notification
from tests.cohorts.factories import join, make_circle
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start_form(**overrides) -> dict:
    start = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "name": "Lunchtime readers",
        "description": "An hour a week over lunch.",
        "language": "en",
        "time_zone": "Europe/Lisbon",
        "start_date": start.isoformat(),
        "schedule_kind": "weekly",
        "weekday": str(start.weekday()),
        "meeting_time": "12:30",
        "weeks": "4",
        "meeting_dates": "",
        "duration_minutes": "60",
        "venue_kind": "online",
        "meeting_url": "https://meet.example.org/lunch",
        "venue_name": "",
        "address": "",
        "city": "",
        "country": "",
        "capacity": "6",
        "join_policy": "open",
        "listed": "on",
    }
    data.update(overrides)
    return data


def test_the_course_page_offers_to_start_a_circle_and_lists_its_circles(client, course):
    circle = make_circle(course=course, name="Saturday mornings")
    make_circle(course=course, name="Secret", listed=False)
    page = client.get(course.url).content.decode()
    assert "Start a study circle" in page
    assert reverse("cohorts:start", args=[course.pk]) in page
    assert "Saturday mornings" in page and circle.get_absolute_url() in page
    assert "Secret" not in page


def test_starting_a_circle_makes_you_its_facilitator(client, course):
    person = UserFactory()
    client.force_login(person)
    form = client.get(reverse("cohorts:start", args=[course.pk]))
    assert form.status_code == 200 and "Start a study circle" in form.content.decode()
    response = client.post(reverse("cohorts:start", args=[course.pk]), {**start_form(), "publish": "1"})
    circle = Circle.objects.get(name="Lunchtime readers")
    assert response.status_code == 302 and response["Location"] == circle.get_absolute_url()
    assert circle.state == "open" and circle.course_revision_id == course.live_revision_id
    assert Membership.objects.get(circle=circle).user == person
    assert circle.meetings.count() == 4
    first = circle.meetings.order_by("number").first()
    assert first.starts_at.astimezone(circle.zone).time() == dt.time(12, 30)


def test_no_circle_starts_around_a_private_course(client, course):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(UserFactory())
    url = reverse("cohorts:start", args=[course.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**start_form(), "publish": "1"}).status_code == 404
    assert not Circle.objects.exists()
    with pytest.raises(PermissionDenied, match="open to everyone"):
        services.circle_create(course=course, created_by=UserFactory())


def test_saving_as_a_draft(client, course):
    client.force_login(UserFactory())
    client.post(reverse("cohorts:start", args=[course.pk]), start_form())
    assert Circle.objects.get(name="Lunchtime readers").state == "draft"


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_lost(client, course):
    client.force_login(UserFactory())
    data = start_form(
        weeks="",
        capacity="0",
        venue_kind="in_person",
        venue_name="",
        city="Lisbon",
        start_date="2001-01-01",
        description="Keep this text",
    )
    response = client.post(reverse("cohorts:start", args=[course.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Circle.objects.exists()
    assert "Choose a day from today on." in page
    assert "A weekly schedule needs this." in page
    assert "A circle that meets in person needs this." in page
    assert "Keep this text" in page and 'value="Lisbon"' in page
    assert 'aria-invalid="true"' in page


def test_chosen_dates_are_read_one_per_line(client, course):
    client.force_login(UserFactory())
    data = start_form(schedule_kind="dates", weekday="", meeting_time="", weeks="")
    data["meeting_dates"] = "2030-05-02 18:00\n\n2030-05-09T18:00\n"
    client.post(reverse("cohorts:start", args=[course.pk]), data)
    circle = Circle.objects.get()
    assert circle.meeting_dates == ["2030-05-02T18:00", "2030-05-09T18:00"]
    assert list(circle.meetings.values_list("starts_at", flat=True)) == [
        dt.datetime(2030, 5, 2, 17, tzinfo=UTC),  # Lisbon is on summer time (+1)
        dt.datetime(2030, 5, 9, 17, tzinfo=UTC),
    ]
    bad = client.post(reverse("cohorts:start", args=[course.pk]), {**data, "meeting_dates": "next tuesday"})
    assert "is not a date and time" in bad.content.decode()


def test_who_may_start_a_circle(client, course):
    start = reverse("cohorts:start", args=[course.pk])
    assert "/accounts/login/" in client.get(start)["Location"]
    client.force_login(UserFactory(verified=False))
    refused = client.get(start)
    assert refused.status_code == 403 and "Confirm your e-mail address" in refused.content.decode()
    client.post(start, start_form())
    assert not Circle.objects.exists()
    draft_course = CoursePageFactory(publish=False)
    client.force_login(UserFactory())
    assert client.get(reverse("cohorts:start", args=[draft_course.pk])).status_code == 404


def button_text(client, circle, **query) -> str:
    page = client.get(circle.get_absolute_url(), query).content.decode()
    return page[page.index('id="join-heading"') : page.index("</section>", page.index('id="join-heading"'))]


def test_the_join_button_says_what_it_will_do_and_why(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=1)
    assert "Sign in to join" in button_text(client, circle)
    person = UserFactory()
    client.force_login(person)
    assert "Join circle" in button_text(client, circle) and "<strong>1</strong> of 1 seat left." in button_text(
        client, circle
    )
    client.post(reverse("cohorts:join", args=[circle.pk]))
    assert "Leave circle" in button_text(client, circle)
    client.force_login(UserFactory())
    text = button_text(client, circle)
    assert "Join waitlist" in text and "All 1 seats are taken" in text
    client.post(reverse("cohorts:join", args=[circle.pk]))
    assert "You are number 1 on the waitlist" in button_text(client, circle)
    client.force_login(facilitator)
    assert "You facilitate this circle." in button_text(client, circle)


def test_the_join_button_for_approval_and_invitation_circles(client, course):
    approval = make_circle(course=course, join_policy="approval")
    invite_only = make_circle(course=course, join_policy="invite")
    client.force_login(UserFactory())
    assert "Ask to join" in button_text(client, approval)
    client.post(reverse("cohorts:join", args=[approval.pk]), {"request_message": "Hello there"})
    assert "Withdraw request" in button_text(client, approval)
    assert Membership.objects.get(circle=approval, status="pending").request_message == "Hello there"
    text = button_text(client, invite_only)
    assert "only people with an invitation" in text and "<button" not in text


def test_the_join_box_says_how_many_seats_are_left_once(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, capacity=3)
    assert button_text(client, circle).count("of 3 seats left") == 1
    client.force_login(UserFactory())
    assert button_text(client, circle).count("of 3 seats left") == 1


def test_a_too_long_note_to_the_facilitators_is_refused_next_to_it_and_nothing_is_saved(client, course):
    circle = make_circle(course=course, join_policy="approval")
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("cohorts:join", args=[circle.pk]), {"request_message": "x" * 1001})
    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters" in response.text
    assert not Membership.objects.filter(circle=circle, user=person).exists()
    assert not Notification.objects.filter(kind="circle.join_request").exists()


def test_leaving_through_the_page_promotes_the_waitlist(client, course, django_capture_on_commit_callbacks):
    circle = make_circle(course=course, capacity=1)
    member, waiting = join(circle), join(circle)
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohorts:leave", args=[circle.pk]))
    assert response.status_code == 302
    assert Membership.objects.get(pk=waiting.pk).status == "active"
    assert Notification.objects.filter(recipient=waiting.user, kind="circle.waitlist_promoted").exists()


def test_an_invitation_link_page_lets_people_join_an_invite_only_circle(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="invite", listed=False)
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    url = reverse("cohorts:invite_link", args=[services.invite_link_token(link)])
    assert "Sign in to join" in client.get(url).content.decode()
    person = UserFactory()
    client.force_login(person)
    page = client.get(url).content.decode()
    assert "Join circle" in page
    client.post(reverse("cohorts:join", args=[circle.pk]), {"invite": services.invite_link_token(link)})
    assert Membership.objects.get(circle=circle, user=person).status == "active"
    services.invite_link_revoke(link=link, by=facilitator)
    gone = client.get(url)
    assert gone.status_code == 410 and "withdrawn" in gone.content.decode()


def test_facilitators_run_the_circle_from_its_manage_page(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, join_policy="approval", capacity=2)
    asking = join(circle, request_message="Please")
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:manage", args=[circle.pk])).content.decode()
    assert "Asking to join" in page and "Please" in page
    client.post(reverse("cohorts:membership_action", args=[circle.pk, asking.pk, "approve"]))
    assert Membership.objects.get(pk=asking.pk).status == "active"
    client.post(reverse("cohorts:invite_link_create", args=[circle.pk]), {"valid_days": "7"})
    page = client.get(reverse("cohorts:manage", args=[circle.pk])).content.decode()
    assert "/circles/invite/" in page
    bad = client.post(
        reverse("cohorts:invite_person", args=[circle.pk]), {"username": "nobody-here", "role": "learner"}
    )
    assert "Nobody here has that username." in bad.content.decode() and 'value="nobody-here"' in bad.content.decode()
    invitee = UserFactory()
    client.post(reverse("cohorts:invite_person", args=[circle.pk]), {"username": invitee.username, "role": "learner"})
    assert Membership.objects.get(circle=circle, user=invitee).status == "invited"
    client.post(reverse("cohorts:membership_action", args=[circle.pk, asking.pk, "hand_over"]))
    assert Membership.objects.get(pk=asking.pk).role == "facilitator"


def test_a_finished_circles_page_offers_its_facilitator_no_running_it_links(client, course, facilitator):
    """Its manage page refuses them (nothing is left to run), so the circle page must not send them there."""
    circle = make_circle(course=course, facilitator=facilitator)
    client.force_login(facilitator)
    manage_url = reverse("cohorts:manage", args=[circle.pk])
    assert manage_url in client.get(circle.get_absolute_url()).content.decode()

    Circle.objects.filter(pk=circle.pk).update(state="finished")

    assert manage_url not in client.get(circle.get_absolute_url()).content.decode()
    assert client.get(manage_url).status_code == 403


def test_a_message_to_all_members(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    client.force_login(facilitator)
    empty = client.post(reverse("cohorts:message", args=[circle.pk]), {"subject": "Kept", "body": ""})
    assert "This field is required." in empty.content.decode() and 'value="Kept"' in empty.content.decode()
    client.post(reverse("cohorts:message", args=[circle.pk]), {"subject": "Room change", "body": "Room 4 today."})
    assert Notification.objects.get(recipient=member.user, kind="circle.message").body == "Room 4 today."
    client.force_login(member.user)
    assert "Room 4 today." in client.get(circle.get_absolute_url()).content.decode()


def test_moving_a_meeting_reads_the_time_in_the_circles_zone(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, time_zone="America/New_York")
    meeting = circle.meetings.get(number=2)
    client.force_login(facilitator)  # the facilitator's own zone is UTC: the form still means New York
    url = reverse("cohorts:meeting_move", args=[circle.pk, meeting.pk])
    client.post(url, {"starts_at": "2030-07-01T18:00", "note": "Holiday week"})
    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime(2030, 7, 1, 22, tzinfo=UTC)
    past = client.post(url, {"starts_at": "2001-07-01T18:00", "note": "Keep me"})
    assert "Choose a time in the future." in past.content.decode() and 'value="Keep me"' in past.content.decode()


def test_attendance_and_feedback_through_the_meeting_page(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    meeting = circle.meetings.get(number=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    client.force_login(facilitator)
    client.post(reverse("cohorts:meeting_attendance", args=[circle.pk, meeting.pk]), {"present": [member.pk]})
    assert meeting.attendance.get(membership=member).present is True
    client.force_login(member.user)
    no_rating = client.post(reverse("cohorts:meeting_feedback", args=[circle.pk, meeting.pk]), {"reflection": "Mine"})
    assert "This field is required." in no_rating.content.decode() and "Mine" in no_rating.content.decode()
    client.post(reverse("cohorts:meeting_feedback", args=[circle.pk, meeting.pk]), {"rating": "4", "reflection": "x"})
    assert meeting.feedback.get().rating == 4


def test_members_read_the_pinned_version_with_a_banner_when_a_newer_one_exists(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator)
    member = join(circle)
    module = course.modules().first()
    module.title = "Module 1, revised"
    module.body = [{"type": "text", "value": "<p>The new text.</p>"}]
    module.save_revision().publish()
    client.force_login(member.user)
    pinned = client.get(reverse("cohorts:module", args=[circle.pk, module.pk])).content.decode()
    assert "Read part 1, then talk it over." in pinned and "The new text." not in pinned
    assert "A newer version of this module has been published" in pinned
    assert "A newer version of" in client.get(circle.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    client.post(reverse("cohorts:course_version_update", args=[circle.pk]))
    client.force_login(member.user)
    updated = client.get(reverse("cohorts:module", args=[circle.pk, module.pk])).content.decode()
    assert "The new text." in updated and "A newer version" not in updated
    assert "A newer version of" not in client.get(circle.get_absolute_url()).content.decode()


def test_my_learning_lists_circles_by_next_meeting_invitations_and_authored_courses(client, course, facilitator):
    from tests.courses.factories import CourseCreditFactory

    person = UserFactory()
    later = make_circle(course=course, name="Later circle", start_date=timezone.localdate() + dt.timedelta(days=20))
    sooner = make_circle(course=course, name="Sooner circle", start_date=timezone.localdate() + dt.timedelta(days=2))
    join(later, person), join(sooner, person)
    inviting = make_circle(course=course, facilitator=facilitator, name="Inviting circle", join_policy="invite")
    services.invitation_send(circle=inviting, by=facilitator, invitee=person)
    CourseCreditFactory(course=course, person=person)
    client.force_login(person)
    page = client.get(reverse("my_learning:index")).content.decode()
    assert page.index("Sooner circle") < page.index("Later circle")
    assert "Inviting circle" in page and "Accept invitation" in page
    assert course.title in page[page.index("Courses I author") :]
    client.post(reverse("cohorts:join", args=[inviting.pk]))
    assert Membership.objects.get(circle=inviting, user=person).status == "active"


def test_getting_and_resetting_the_calendar_link(client):
    person = UserFactory()
    client.force_login(person)
    assert "Get my calendar link" in client.get(reverse("my_learning:index")).content.decode()
    client.post(reverse("my_learning:calendar_reset"))
    first = person.calendar_feed.token
    assert first in client.get(reverse("my_learning:index")).content.decode()
    client.post(reverse("my_learning:calendar_reset"))
    person.calendar_feed.refresh_from_db()
    assert person.calendar_feed.token != first


def test_the_home_page_lists_upcoming_circles(client, course, home_page):
    make_circle(course=course, name="Open and upcoming")
    make_circle(course=course, name="Still a draft", publish=False)
    page = client.get("/").content.decode()
    assert "Open and upcoming" in page and "Still a draft" not in page


def test_a_freed_seat_waiting_for_promotion_is_explained_to_newcomers(client, course):
    circle = make_circle(course=course, capacity=1)
    member = join(circle)
    join(circle)  # waiting
    services.membership_leave(circle=circle, user=member.user)  # the promotion task has not run yet
    client.force_login(UserFactory())
    text = button_text(client, circle)
    assert "Join waitlist" in text and "A seat has just freed up, but 1 person is waiting for one already." in text


def test_a_facilitator_without_a_display_name_is_named_by_a_neutral_label_never_their_username(client, course):
    facilitator = UserFactory(username="quiet.owl", display_name="", first_name="Quinn", last_name="Owlsley")
    circle = make_circle(course=course, facilitator=facilitator)
    client.force_login(UserFactory())
    html = client.get(circle.get_absolute_url()).content.decode()
    sidebar = html[html.index('id="facilitators-heading"') :]
    assert "A facilitator" in sidebar
    assert "quiet.owl" not in html and "Owlsley" not in html
