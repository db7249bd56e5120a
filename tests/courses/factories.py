"""Factories for course pages, rubrics and credits, for every app's tests.

Pages are added to the tree and published, as an author would, unless ``publish=False``:

    course = CoursePageFactory()                      # under the catalog (created on first use)
    module = ModulePageFactory(parent=course, body=[activity_block(rubric=RubricFactory())])
    draft = CoursePageFactory(publish=False)          # a never-published draft (live=False)
    CourseCreditFactory(course=course, person=user)   # an accepted author credit
    CoursePageFactory(topics=["Data", "Maps"])        # topics (tags) by name

``activity_block()`` and friends return raw StreamField items (with a fixed ``id``, so a
test can find an activity again by its block id).
"""

import uuid

import factory
from django.utils import timezone

from courses.models import CourseCredit, CourseIndexPage, CoursePage, CreditRole, ModulePage, Rubric
from tests.factories import UserFactory


def course_index() -> CourseIndexPage:
    """The catalog page at /courses/, created under the home page on first use."""
    from home.services import site_tree_ensure

    index = CourseIndexPage.objects.first()
    if index is None:
        home = site_tree_ensure().root_page
        index = home.add_child(instance=CourseIndexPage(title="Courses", slug="courses"))
        index.save_revision().publish()
    return index


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under ``parent`` and publishes a revision (or, with ``publish=False``, keeps a draft)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, topics=(), **kwargs):
        page = model_class(*args, **kwargs)
        if topics:
            page.topics.add(*topics)
        if not publish:
            page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


class CourseIndexPageFactory(factory.django.DjangoModelFactory):
    """Returns the one catalog page (``max_count = 1``), creating it if needed."""

    class Meta:
        model = CourseIndexPage

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return course_index()


class CoursePageFactory(PageFactory):
    class Meta:
        model = CoursePage

    parent = factory.LazyFunction(course_index)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.title} is about, in one sentence.")
    description = "<p>A longer description of the course.</p>"
    outcomes = factory.LazyFunction(lambda: [("outcome", "Explain the main idea"), ("outcome", "Try it with peers")])
    language = "en"
    level = "beginner"
    estimated_hours = 6
    licence = "CC-BY-SA-4.0"


class ModulePageFactory(PageFactory):
    class Meta:
        model = ModulePage

    parent = factory.SubFactory(CoursePageFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "What this module covers."
    objectives = factory.LazyFunction(lambda: [("objective", "Describe the idea in your own words")])
    duration_minutes = 60
    body = factory.LazyFunction(lambda: [text_block("<p>Read this, then talk it over.</p>")])


def criteria(*names: str, scores=(1, 2, 3)) -> list[dict]:
    """Raw rubric criteria: one per name, each with a level per score."""
    return [
        {
            "type": "criterion",
            "id": str(uuid.uuid4()),
            "value": {
                "name": name,
                "description": f"How well the work shows {name.lower()}.",
                "levels": [
                    {"score": score, "label": f"Level {score}", "descriptor": f"{name} at level {score}."}
                    for score in scores
                ],
            },
        }
        for name in names
    ]


class RubricFactory(factory.django.DjangoModelFactory):
    """A rubric with two criteria scored 1–3 (max score 6), saved with a first revision."""

    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rubric {n}")
    description = "Use this to review the work."
    criteria = factory.LazyFunction(lambda: criteria("Clarity", "Evidence"))

    @factory.post_generation
    def revision(obj, create, extracted, **kwargs):
        if create:
            obj.save_revision()


class CourseCreditFactory(factory.django.DjangoModelFactory):
    """A credit that has been accepted for the course's current licence (pass ``accepted_at=None`` for pending)."""

    class Meta:
        model = CourseCredit

    course = factory.SubFactory(CoursePageFactory)
    person = factory.SubFactory(UserFactory)
    role = CreditRole.AUTHOR
    accepted_at = factory.LazyFunction(timezone.now)
    accepted_licence = factory.LazyAttribute(lambda o: o.course.licence)


def text_block(html: str, block_id: str | None = None) -> dict:
    return {"type": "text", "id": block_id or str(uuid.uuid4()), "value": html}


def heading_block(text: str, level: str = "h2", block_id: str | None = None) -> dict:
    return {"type": "heading", "id": block_id or str(uuid.uuid4()), "value": {"text": text, "level": level}}


def activity_block(rubric: Rubric | None = None, block_id: str | None = None, **value) -> dict:
    """An activity item; ``rubric`` may be a Rubric or None (then set ``reviews_per_submission=0``)."""
    defaults = {
        "title": "Share your plan",
        "prompt": "<p>Write a short plan and share it with your circle.</p>",
        "submission_type": "text",
        "rubric": rubric.pk if rubric else None,
        "reviews_per_submission": 3 if rubric else 0,
        "due_offset_days": 7,
    }
    return {"type": "activity", "id": block_id or str(uuid.uuid4()), "value": {**defaults, **value}}
