"""The load test's crowd: anonymous visitors browse; learners sign in, join small circles and leave them;
learners in circles running rolling peer review hand in their work and review each other's.

Read by locust (loadtest/run.py starts it headless). The people and circles come from loadtest/prepare.py
through LOADTEST_DATA (a JSON file). Each joiner joins every circle at most once and each seated learner
leaves once, so afterwards every seat change has exactly one expected notification (loadtest/invariants.py).
Each reviewing learner hands in once and asks for at most k reviews to do, as the activity asks of them.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOADTEST_DATA"]).read())  # noqa: SIM115, PTH123 — read once at start
JOINERS = list(DATA["joiners"])
SEATED = [(circle["id"], email) for circle in DATA["circles"] for email in circle["seated"]]
CIRCLE_IDS = [circle["id"] for circle in DATA["circles"]]
# One circle's learners before the next one's, so that a small crowd still fills a circle and reviews.
REVIEWERS = [
    (circle["activity"], circle["k"], email)
    for circle in reversed(DATA["reviewing"])
    for email in reversed(circle["learners"])
]
REVIEW_PAGE = re.compile(r"/circles/\d+/reviews/\d+/$")
SCORE_CHOICE = re.compile(r'name="(criterion_[^"]+_score)" value="(\d+)"')
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

    def post_action(self, path: str, name: str, fields: dict | None = None, *, done: str = ""):
        """Post a form; with ``done``, the request fails unless it lands on a page whose address holds it."""
        data = {**(fields or {}), "csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        with self.client.post(path, data, name=name, catch_response=True) as response:
            if "/accounts/login/" in response.url:
                response.failure("signed out")
            elif done and done not in response.url:
                response.failure(f"refused: landed on {response.url}")
            return response

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
        # Leave once the joiners have had time to fill the waitlist, so that leaving promotes someone.
        self.leave_at = time.monotonic() + CROWD.uniform(5, 20)
        if self.email:
            self.sign_in(self.email)

    @task(2)
    def leave(self):
        if not self.circle_id or time.monotonic() < self.leave_at:
            return
        circle_id, self.circle_id = self.circle_id, None
        self.post_action(f"/circles/{circle_id}/leave/", "/circles/[id]/leave/")


class Reviewer(SignedIn):
    """A learner in a circle running rolling review: hands in work, then asks for reviews to do and writes them."""

    weight = 2

    def on_start(self):
        self.activity, self.reviews_left, self.email = REVIEWERS.pop() if REVIEWERS else ("", 0, "")
        self.handed_in = False
        if self.email:
            self.sign_in(self.email)

    @task(3)
    def work(self):
        if not self.email:
            return
        if not self.handed_in:
            self.hand_in()
        elif self.reviews_left:
            self.review_next()

    def hand_in(self):
        self.client.get(self.activity, name="/circles/[id]/work/[activity]/")
        fields = {"text": f"My plan, by {self.email}:\n- a goal\n- three timed steps", "action": "submit"}
        response = self.post_action(
            self.activity + "submit/", "/circles/[id]/work/[activity]/submit/", fields, done="/submissions/"
        )
        self.handed_in = "/submissions/" in response.url

    def review_next(self):
        response = self.post_action(self.activity + "review-next/", "/circles/[id]/work/[activity]/review-next/")
        if not REVIEW_PAGE.search(response.url):
            return  # nothing waiting yet: ask again later
        levels = dict(SCORE_CHOICE.findall(response.text))
        fields = {**levels, "overall_comment": "Clear goal; give each step a time.", "action": "submit"}
        # A submitted review leads back to the activity page; a refused one stays on the review.
        saved = self.post_action(response.url + "save/", "/circles/[id]/reviews/[id]/save/", fields, done="/work/")
        if "/work/" in saved.url:
            self.reviews_left -= 1
