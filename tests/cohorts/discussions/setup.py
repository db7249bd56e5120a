"""A circle with a discussion, built through the services as its people would build it.

dc = discussion_circle()      # a running circle: facilitator, learners ann and bob, a module with a question
thread = dc.thread(dc.ann)    # a thread ann started
"""

from dataclasses import dataclass

from cohorts.discussions import services
from tests.cohorts.factories import join, make_circle
from tests.courses.factories import CoursePageFactory, ModulePageFactory, text_block
from tests.factories import UserFactory

QUESTION_ID = "5d1c2a4e-6b7f-4c1d-9e2f-3a4b5c6d7e8f"


@dataclass
class DiscussionCircle:
    circle: object
    facilitator: object
    ann: object
    bob: object
    module: object

    def thread(self, by=None, *, title="How do we start?", body="Ideas welcome.", **kwargs):
        return services.thread_create(circle=self.circle, by=by or self.ann, title=title, body=body, **kwargs)

    def reply(self, thread, by=None, body="Agreed.", **kwargs):
        return services.post_create(thread=thread, by=by or self.bob, body=body, **kwargs)

    @property
    def index_url(self) -> str:
        return f"/circles/{self.circle.pk}/discussion/"


def discussion_circle(*, facilitator=None, **circle_fields) -> DiscussionCircle:
    course = CoursePageFactory()
    module = ModulePageFactory(
        parent=course,
        title="Working together",
        body=[
            text_block("<p>Read about groups.</p>"),
            {"type": "discussion", "id": QUESTION_ID, "value": {"question": "What helps a group?", "guidance": ""}},
        ],
    )
    ModulePageFactory(parent=course, title="Reflect")
    facilitator = facilitator or UserFactory(username="fay", display_name="Fay Facilitator")
    circle = make_circle(course=course, facilitator=facilitator, **circle_fields)
    ann = join(circle, UserFactory(username="ann", display_name="Ann Learner")).user
    bob = join(circle, UserFactory(username="bob", display_name="Bob Learner")).user
    return DiscussionCircle(circle=circle, facilitator=facilitator, ann=ann, bob=bob, module=module)
