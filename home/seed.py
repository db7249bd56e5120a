"""Demo content, built through the same services users go through. Each function is idempotent."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

DEMO_PASSWORD = "learn-together"  # noqa: S105 (published demo logins)

DEMO_PEOPLE = [
    {
        "username": "admin",
        "email": "admin@example.org",
        "display_name": "Ada Admin",
        "role": "site editor (staff)",
        "time_zone": "Europe/London",
        "is_staff": True,
        "is_superuser": True,
    },
    {
        "username": "amara",
        "email": "amara@example.org",
        "display_name": "Amara Okafor",
        "role": "facilitator, author",
        "time_zone": "Africa/Lagos",
    },
    {
        "username": "bruno",
        "email": "bruno@example.org",
        "display_name": "Bruno Silva",
        "role": "learner, co-author",
        "time_zone": "America/Sao_Paulo",
    },
    {
        "username": "chen",
        "email": "chen@example.org",
        "display_name": "Chen Wei",
        "role": "learner",
        "time_zone": "Asia/Shanghai",
    },
    {
        "username": "dana",
        "email": "dana@example.org",
        "display_name": "Dana Cohen",
        "role": "learner, remixer",
        "time_zone": "America/New_York",
    },
    {
        "username": "emil",
        "email": "emil@example.org",
        "display_name": "Emil Larsen",
        "role": "learner",
        "time_zone": "Europe/Copenhagen",
    },
    {
        "username": "rosa",
        "email": "rosa@example.org",
        "display_name": "Rosa Martínez",
        "role": "organiser, Riverside Public Library",
        "time_zone": "America/Chicago",
    },
    {
        "username": "sam",
        "email": "sam@example.org",
        "display_name": "Sam Whitfield",
        "role": "facilitator, Riverside Public Library",
        "time_zone": "America/Chicago",
    },
    {
        "username": "priya",
        "email": "priya@example.org",
        "display_name": "Priya Raman",
        "role": "facilitator, Riverside Public Library",
        "time_zone": "America/Chicago",
    },
]


def seed_people():
    User = get_user_model()
    people = []
    for spec in DEMO_PEOPLE:
        fields = {k: v for k, v in spec.items() if k not in {"username", "role"}}
        person, created = User.objects.get_or_create(username=spec["username"], defaults=fields)
        if created:
            person.set_password(DEMO_PASSWORD)
            person.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )
        people.append(person)
    return people
