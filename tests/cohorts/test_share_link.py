"""From the outsider's side: an unlisted circle's share key is never handed out with an invitation link,
and a facilitator can replace it."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Circle
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_invitation_link_page_does_not_print_the_circles_permanent_key(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, listed=False)
    link = services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    url = reverse("cohorts:invite_link", args=[services.invite_link_token(link)])
    client.force_login(UserFactory())
    page = client.get(url).content.decode()
    assert "Join circle" in page
    assert circle.access_key not in page
    # Once the link is withdrawn, its holder has nothing left that opens the circle.
    services.invite_link_revoke(link=link, by=facilitator)
    assert client.get(url).status_code == 410
    assert client.get(circle.get_absolute_url()).status_code == 404


def test_resetting_the_share_link_stops_the_old_one(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, listed=False)
    old_share_url = circle.get_share_url()
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(old_share_url).status_code == 200

    client.force_login(facilitator)
    manage = client.get(reverse("cohorts:manage", args=[circle.pk])).content.decode()
    assert "Reset share link" in manage
    response = client.post(reverse("cohorts:share_link_reset", args=[circle.pk]))
    assert response.status_code == 302
    circle.refresh_from_db()
    assert circle.get_share_url() != old_share_url

    client.force_login(outsider)
    assert client.get(old_share_url).status_code == 404
    assert client.get(circle.get_share_url()).status_code == 200


def test_only_a_facilitator_resets_the_share_link(client, course, facilitator):
    circle = make_circle(course=course, facilitator=facilitator, listed=False)
    key = circle.access_key
    member = join(circle).user
    url = reverse("cohorts:share_link_reset", args=[circle.pk])
    client.force_login(member)
    assert client.post(url).status_code == 403
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
    assert Circle.objects.get(pk=circle.pk).access_key == key
