"""The audit trail: append-only entries, recorded by one service, searched by site editors in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cohorts import audit_actions
from p2pu.audit.models import AppendOnlyError, AuditEntry
from p2pu.audit.services import audit_record
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(site_tree):
    return make_circle(course=make_course(modules=1))


def removal(circle, *, reason="Spam"):
    membership = join(circle)
    return audit_record(
        actor=circle.created_by,
        action=audit_actions.MEMBER_REMOVED,
        subject=membership,
        target=membership.user,
        scope=circle,
        reason=reason,
    )


def test_an_entry_says_who_did_what_to_whom_where_and_why(circle):
    entry = removal(circle)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == circle.created_by
    assert entry.action_label == "Removed a member"
    assert entry.subject.circle == circle and entry.target == entry.subject.user
    assert entry.scope == circle and entry.scope_label == circle.name
    assert entry.reason == "Spam"
    assert list(AuditEntry.objects.about(circle)) == [entry]


def test_entries_are_never_changed_or_deleted_through_the_orm(circle):
    entry = removal(circle)
    entry.reason = "Something kinder"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Spam"


def test_an_unregistered_action_is_refused(circle):
    with pytest.raises(ImproperlyConfigured):
        audit_record(actor=circle.created_by, action="circle.made_up", scope=circle)
    assert not AuditEntry.objects.exists()


def test_a_deleted_account_leaves_the_entry_with_a_former_member(circle):
    entry = removal(circle)
    entry.target.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.target is None and entry.target_name == "a former member"
    assert entry.reason == "Spam"


class TestAdmin:
    url = reverse("audit:index")

    def test_site_editors_search_and_filter_it_in_a_number_of_queries_that_does_not_grow(
        self, client, circle, django_assert_max_num_queries
    ):
        editor = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(editor)
        removal(circle, reason="Spam")
        client.get(self.url)  # warm the per-process caches (content types, admin menu)
        with django_assert_max_num_queries(30) as few:
            assert client.get(self.url).status_code == 200
        for _ in range(10):
            removal(circle, reason="Posted adverts")
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(self.url).text
        assert page.count("Posted adverts") == 10
        found = client.get(self.url, {"q": "Spam"}).text
        assert "Spam" in found and "Posted adverts" not in found
        filtered = client.get(self.url, {"action": audit_actions.MEMBER_REMOVED}).text
        assert "Posted adverts" in filtered
        none = client.get(self.url, {"action": audit_actions.REVIEW_HIDDEN}).text
        assert "Posted adverts" not in none

    def test_it_is_read_only_even_for_superusers(self, client, circle):
        entry = removal(circle)
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        assert client.get(reverse("audit:inspect", args=[entry.pk])).status_code == 200
        for name in ("audit:edit", "audit:delete"):
            response = client.post(reverse(name, args=[entry.pk]), {"reason": "changed"})
            assert response.status_code in (302, 403) and not response.url.endswith(reverse(name, args=[entry.pk]))
        assert client.post(reverse("audit:add"), {"reason": "made up"}).status_code in (302, 403)
        assert AuditEntry.objects.get().reason == "Spam"

    def test_admin_users_without_the_permission_are_refused(self, client, circle):
        removal(circle)
        staff = UserFactory(is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(staff)
        response = client.get(self.url)
        assert response.status_code in (302, 403) and "Spam" not in response.text
        staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
        client.force_login(staff)
        assert "Spam" in client.get(self.url).text
