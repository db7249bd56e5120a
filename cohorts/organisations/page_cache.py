"""What an organisation's cached public page shows, and the events that purge it (see p2pu.core.page_cache).

Tag ``organisation:<id>``: the organisation's own fields and its members (names, roles). Its circles' names,
courses and dates are covered by cohorts.page_cache's ``circles`` tag, which the page declares too; a circle
saved purges its organisation's tag here, and ``cohorts.services.circle_update`` purges the one it leaves.
A person's name changed purges the organisations they belong to (their circles' are cohorts.page_cache's).
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from cohorts.models import Circle, Organisation, OrganisationMembership
from cohorts.page_cache import circles_page_cache_purge
from p2pu.accounts.profile_signals import display_name_changed
from p2pu.core.page_cache import page_cache_purge


def organisation_tag(organisation_id: int) -> str:
    return f"organisation:{organisation_id}"


def _on_organisation_changed(sender, instance, **kwargs):
    page_cache_purge(organisation_tag(instance.pk))
    # Its circles' cards and pages show its name.
    circles_page_cache_purge(circle_ids=Circle.objects.filter(organisation_id=instance.pk).values_list("pk", flat=True))


def _on_membership_changed(sender, instance, **kwargs):
    page_cache_purge(organisation_tag(instance.organisation_id))


def _on_circle_changed(sender, instance, **kwargs):
    if instance.organisation_id:
        page_cache_purge(organisation_tag(instance.organisation_id))


def _on_display_name_changed(sender, user, **kwargs):
    organisation_ids = set(OrganisationMembership.objects.filter(user=user).values_list("organisation_id", flat=True))
    if organisation_ids:
        page_cache_purge(*(organisation_tag(organisation_id) for organisation_id in organisation_ids))


def connect() -> None:
    post_save.connect(_on_organisation_changed, sender=Organisation, dispatch_uid="page_cache_organisation_saved")
    # Before the delete, while its circles still point at it.
    pre_delete.connect(_on_organisation_changed, sender=Organisation, dispatch_uid="page_cache_organisation_deleted")
    post_save.connect(
        _on_membership_changed, sender=OrganisationMembership, dispatch_uid="page_cache_organisation_member_saved"
    )
    post_delete.connect(
        _on_membership_changed, sender=OrganisationMembership, dispatch_uid="page_cache_organisation_member_deleted"
    )
    post_save.connect(_on_circle_changed, sender=Circle, dispatch_uid="page_cache_circle_organisation_saved")
    display_name_changed.connect(_on_display_name_changed, dispatch_uid="page_cache_organisation_names")
