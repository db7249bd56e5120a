"""Builds, in a fresh process, the data the SQLite concurrency tests race over, and prints it as JSON.

Run as ``python -m tests.cohorts.sqlite_site`` with the environment of the server under test (a SQLite
file under VAR_DIR, migrated): a circle with one seat left and twenty people signed in to take it, and a
review circle whose learners can submit work and leave. Sessions are created here so the racing requests
need no log-in round trips.
"""

import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from home.services import site_tree_ensure  # noqa: E402
from tests.cohorts.factories import make_circle, make_course  # noqa: E402
from tests.cohorts.review_setup import review_circle  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

RACERS = 20


def session_of(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value, "user_id": user.pk}


def main() -> None:
    site_tree_ensure()
    circle = make_circle(course=make_course(modules=1), capacity=1)
    rc = review_circle(learners=2)
    print(  # the test reads it
        json.dumps(
            {
                "race_circle": circle.pk,
                "racers": [session_of(UserFactory()) for _ in range(RACERS)],
                "review_circle": rc.circle.pk,
                "activity_url": rc.activity_url,
                "submitter": session_of(rc.learners[0]),
                "leaver": session_of(rc.learners[1]),
            }
        )
    )


main()
