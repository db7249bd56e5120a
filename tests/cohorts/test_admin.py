"""Site editors look after circles in the Wagtail admin, but never create or delete them there."""

import pytest
from django.urls import reverse

from cohorts.models import Circle
from tests.cohorts.factories import join, make_circle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_editors_list_inspect_and_rename_circles(client, editor, circle):
    client.force_login(editor)
    assert circle.name in client.get(reverse("circles:index")).content.decode()
    assert client.get(reverse("circles:inspect", args=[circle.pk])).status_code == 200
    response = client.post(
        reverse("circles:edit", args=[circle.pk]), {"name": "Renamed", "description": "", "listed": "on"}
    )
    assert response.status_code == 302
    assert Circle.objects.get(pk=circle.pk).name == "Renamed"


def test_circles_are_never_added_or_deleted_in_the_admin(client, editor, circle):
    join(circle)
    client.force_login(editor)
    assert client.get(reverse("circles:add")).status_code in (302, 403)
    assert client.post(reverse("circles:delete", args=[circle.pk])).status_code in (302, 403)
    assert Circle.objects.filter(pk=circle.pk).exists()


def test_learners_have_no_admin(client, circle):
    member = join(circle)
    client.force_login(member.user)
    assert client.get(reverse("circles:index")).status_code in (302, 403)
    assert make_circle(course=circle.course).pk  # the site still works for them
