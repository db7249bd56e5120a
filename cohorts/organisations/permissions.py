"""Who may do what in an organisation: the one place views, services and the dashboard ask.

An organiser is a person with an *active* membership in the organiser role; the check reads the
database on every request, so a person removed, demoted or gone loses the powers at once. Everyone
else is told the organisation's management pages do not exist (404), as for a circle's.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from cohorts.models import Organisation, OrganisationMembership


def is_organiser(user, organisation: Organisation) -> bool:
    if not user or not user.is_authenticated:
        return False
    return OrganisationMembership.objects.organisers().filter(organisation=organisation, user=user).exists()


def is_member(user, organisation: Organisation) -> bool:
    """An active member in either role: may attach their circles to the organisation."""
    if not user or not user.is_authenticated:
        return False
    return OrganisationMembership.objects.active().filter(organisation=organisation, user=user).exists()


def organisation_for_organiser(user, slug: str) -> Organisation:
    """The organisation with this slug when ``user`` is one of its active organisers; Http404 otherwise."""
    return get_object_or_404(Organisation.objects.organised_by(user), slug=slug)


def membership_of(user, organisation: Organisation) -> OrganisationMembership | None:
    """The person's membership row (any status), or None: what the public page offers them."""
    if not user or not user.is_authenticated:
        return None
    return OrganisationMembership.objects.filter(organisation=organisation, user=user).first()
