"""Organisations for tests, built through cohorts.organisations.services as people would build them.

org = make_organisation(organiser=person)
member = add_member(org, role="facilitator")   # an active member, through an accepted invitation
"""

from cohorts.organisations import services
from tests.factories import UserFactory


def make_organisation(*, organiser=None, name: str = "Riverside Library", **fields):
    return services.organisation_create(by=organiser or UserFactory(), name=name, **fields)


def organiser_of(organisation):
    return organisation.memberships.organisers().order_by("pk").first().user


def add_member(organisation, user=None, *, role: str = "facilitator"):
    """Invite ``user`` by e-mail and accept: the way a person joins in a role."""
    user = user or UserFactory()
    invitation = services.invitation_send(
        organisation=organisation, by=organiser_of(organisation), email=user.email, role=role
    )
    return services.invitation_accept(token=services.invitation_token(invitation), user=user)
