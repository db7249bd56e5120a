"""A circle doing peer review, built through the services as its people would build it.

rc = review_circle(learners=4)                   # an open circle: a facilitator, 4 learners, one activity
activity = rc.activity()                         # the circle's CircleActivity (made on first use)
submission = hand_in(rc, rc.learners[0])         # a draft, then submitted
review_done(assignment, levels=(2, 3))           # a submitted review: one level per criterion
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Circle, CircleActivity, ReviewAssignment, Submission
from cohorts.review import services
from tests.cohorts.factories import join, make_circle
from tests.courses.factories import (
    CoursePageFactory,
    ModulePageFactory,
    RubricFactory,
    activity_block,
    criteria,
    text_block,
)
from tests.factories import UserFactory

ACTIVITY_ID = "0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d"
#: Both criteria of the test rubric, scored 1 to 5.
LEVELS = (1, 2, 3, 4, 5)


@dataclass
class ReviewCircle:
    circle: Circle
    facilitator: object
    learners: list
    module: object
    rubric: object
    _activity: CircleActivity | None = field(default=None, repr=False)

    def activity(self) -> CircleActivity:
        if self._activity is None:
            self._activity = services.circle_activity_ensure(
                circle=self.circle, module_id=self.module.pk, activity_id=ACTIVITY_ID, by=self.facilitator
            )
        self._activity.refresh_from_db()
        return self._activity

    @property
    def activity_url(self) -> str:
        return f"/circles/{self.circle.pk}/work/{self.module.pk}/{ACTIVITY_ID}/"

    def criterion_ids(self) -> list[str]:
        return [criterion["id"] for criterion in self.activity().criteria]


def review_circle(
    *,
    learners: int = 4,
    k: int = 3,
    submission_type: str = "text",
    rolling: bool = False,
    facilitator=None,
    names: tuple[str, ...] = (),
    self_assessment: bool = False,
    calibration: bool = False,
    **circle_fields,
) -> ReviewCircle:
    rubric = RubricFactory(criteria=criteria("Clarity", "Evidence", scores=LEVELS))
    course = CoursePageFactory()
    module = ModulePageFactory(
        parent=course,
        title="Make a plan",
        body=[
            text_block("<p>Plan a first meeting.</p>"),
            activity_block(
                rubric=rubric,
                block_id=ACTIVITY_ID,
                title="Share your plan",
                submission_type=submission_type,
                reviews_per_submission=k,
                self_assessment=self_assessment,
                calibration=calibration,
            ),
        ],
    )
    ModulePageFactory(parent=course, title="Reflect")
    facilitator = facilitator or UserFactory(display_name="Fay Facilitator")
    circle = make_circle(course=course, facilitator=facilitator, capacity=max(learners, 1), weeks=2, **circle_fields)
    people = [
        join(circle, UserFactory(**({"display_name": names[i]} if i < len(names) else {}))).user
        for i in range(learners)
    ]
    rc = ReviewCircle(circle=circle, facilitator=facilitator, learners=people, module=module, rubric=rubric)
    if rolling:
        activity = rc.activity()
        activity.allocation_mode = "rolling"
        activity.save(update_fields=["allocation_mode"])
    return rc


def hand_in(rc: ReviewCircle, user, *, text: str = "My plan:\n- a goal\n- three steps", **fields) -> Submission:
    activity = rc.activity()
    submission = services.submission_save_draft(activity=activity, user=user, text=text, **fields)
    services.submission_submit(submission=submission, by=user)
    submission.refresh_from_db()
    return submission


def review_done(assignment: ReviewAssignment, *, levels=(3, 3), comment: str = "Clear goal; add timings."):
    criterion_ids = [criterion["id"] for criterion in assignment.activity.criteria]
    scores = {cid: (level, f"About {cid[:4]}") for cid, level in zip(criterion_ids, levels, strict=True)}
    services.review_save_draft(assignment=assignment, by=assignment.reviewer, overall_comment=comment, scores=scores)
    return services.review_submit(assignment=assignment, by=assignment.reviewer)


def pdf_upload(name: str = "plan.pdf", size: int = 2000) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * max(size - 9, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")
