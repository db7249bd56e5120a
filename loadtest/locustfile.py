"""The load test's crowd: anonymous visitors browse; learners sign in, join small circles and leave them.

Read by locust (loadtest/run.py starts it headless). The people and circles come from loadtest/prepare.py
through LOADTEST_DATA (a JSON file). Each joiner joins every circle at most once and each seated learner
leaves once, so afterwards every seat change has exactly one expected notification (loadtest/invariants.py).
"""

import json
import os
import random

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOADTEST_DATA"]).read())  # noqa: SIM115, PTH123 — read once at start
JOINERS = list(DATA["joiners"])
SEATED = [(circle["id"], email) for circle in DATA["circles"] for email in circle["seated"]]
CIRCLE_IDS = [circle["id"] for circle in DATA["circles"]]
# Which person does what is chosen at random each run; no secret depends on it.
CROWD = random.Random()  # noqa: S311
CROWD.shuffle(SEATED)


class Visitor(HttpUser):
    """Anonymous browsing of the public pages."""

    weight = 3
    wait_time = between(0.2, 1)

    @task(3)
    def home(self):
        self.client.get("/")

    @task(2)
    def catalog(self):
        self.client.get("/courses/")

    @task(2)
    def course(self):
        self.client.get(DATA["course"], name="/courses/[course]/")

    @task(2)
    def circles(self):
        self.client.get("/circles/")

    @task(1)
    def circle(self):
        self.client.get(f"/circles/{CROWD.choice(CIRCLE_IDS)}/", name="/circles/[id]/")


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(0.2, 1)
    email = ""

    def sign_in(self, email: str) -> None:
        self.client.get("/accounts/login/")
        self.client.post(
            "/accounts/login/",
            {"login": email, "password": DATA["password"], "csrfmiddlewaretoken": self.client.cookies["csrftoken"]},
            name="/accounts/login/ (sign in)",
        )

    def post_action(self, path: str, name: str) -> None:
        with self.client.post(
            path, {"csrfmiddlewaretoken": self.client.cookies["csrftoken"]}, name=name, catch_response=True
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("signed out")

    @task(1)
    def my_learning(self):
        if self.email:
            self.client.get("/me/")


class Joiner(SignedIn):
    """Signs in and joins the crowded circles one by one: a seat if one is free, else the waitlist."""

    weight = 2

    def on_start(self):
        self.email = JOINERS.pop() if JOINERS else ""
        self.to_join = CROWD.sample(CIRCLE_IDS, len(CIRCLE_IDS))
        if self.email:
            self.sign_in(self.email)

    @task(3)
    def join_next(self):
        if not (self.email and self.to_join):
            return
        circle_id = self.to_join.pop()
        self.client.get(f"/circles/{circle_id}/", name="/circles/[id]/ (signed in)")
        self.post_action(f"/circles/{circle_id}/join/", "/circles/[id]/join/")


class Leaver(SignedIn):
    """A seated learner who signs in and gives up their seat once, which promotes someone waiting."""

    weight = 1

    def on_start(self):
        self.circle_id, self.email = SEATED.pop() if SEATED else (None, "")
        if self.email:
            self.sign_in(self.email)

    @task(2)
    def leave(self):
        if not self.circle_id:
            return
        circle_id, self.circle_id = self.circle_id, None
        self.post_action(f"/circles/{circle_id}/leave/", "/circles/[id]/leave/")
