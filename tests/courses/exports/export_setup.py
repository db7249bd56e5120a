"""Set-up for the export tests: a course with every kind of block, a two-step remix chain behind it, a
module included verbatim from a NoDerivatives course, and modules that must never be exported.

    course = exported_course()          # CC BY-NC-SA, published, with the parts named below
    epubcheck(path) -> list of error and fatal lines (empty when the EPUB is valid)
"""

import subprocess
import uuid
from pathlib import Path

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from courses.models import CoursePage, DerivationKind
from courses.remix import services as remix_services
from tests.courses.factories import ModulePageFactory, RubricFactory, activity_block, text_block
from tests.courses.remix_setup import modules_of, publish, published_course
from tests.factories import UserFactory

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")

DRAFT_MODULE = "Unpublished draft module"
PRIVATE_MODULE = "Members-only module"
VERBATIM_MODULE = "Poem kept as written"
RICH_MODULE = "Every kind of block"


def _block(kind: str, value) -> dict:
    return {"type": kind, "id": str(uuid.uuid4()), "value": value}


def rich_body(*, image, rubric, link_to: str) -> list[dict]:
    return [
        _block("heading", {"text": "Before you start", "level": "h2"}),
        text_block(f'<p>Read <a href="{link_to}">the first module</a> &amp; <b>talk</b>&nbsp;it over.<br/></p>'),
        _block(
            "image",
            {"image": image.pk, "alt_text": "A circle of chairs", "caption": "Our room", "credit": "Photo: Ana Lima"}
            | {"licence": "CC-BY-4.0"},
        ),
        _block(
            "video", {"url": "https://www.youtube.com/watch?v=abc", "title": "How a circle meets", "description": ""}
        ),
        _block("callout", {"kind": "tip", "title": "", "text": "<p>Agree on a time-keeper.</p>"}),
        _block("quote", {"text": "We learn best together.", "source": "A learner", "source_url": ""}),
        _block("code", {"language": "python", "code": "if a < b and c > d:\n    print('<ok>')"}),
        _block(
            "resource",
            {"title": "Handbook", "url": "https://example.org/h", "author": "P2PU", "licence": "CC-BY-4.0"}
            | {"description": "A guide."},
        ),
        _block("heading", {"text": "Talk it over", "level": "h3"}),
        _block("discussion", {"question": "What made a group work well?", "guidance": "Go round the circle."}),
        activity_block(rubric=rubric, title="Share your plan"),
    ]


def exported_course() -> CoursePage:
    remixer = UserFactory()
    grandparent = published_course(licence="CC-BY-4.0", modules=["Roots"], title="Grandparent course")
    parent = remix_services.remix_course(source=grandparent, user=remixer, licence="CC-BY-4.0", title="Parent remix")
    parent = publish(parent, change_note="Added library examples")
    for module in modules_of(parent):
        publish(module)
    course = remix_services.remix_course(
        source=parent, user=remixer, licence="CC-BY-NC-SA-4.0", title="Circles in libraries"
    )
    course = publish(course, change_note="Rewritten for public libraries")
    for module in modules_of(course):
        publish(module)

    image = get_image_model().objects.create(title="Chairs", file=get_test_image_file())
    rubric = RubricFactory(title="Plan rubric")
    first = modules_of(course)[0]
    ModulePageFactory(
        parent=course, title=RICH_MODULE, slug="blocks", body=rich_body(image=image, rubric=rubric, link_to=first.url)
    )
    poems = published_course(licence="CC-BY-NC-ND-4.0", modules=[VERBATIM_MODULE], title="Poems")
    included = remix_services.module_import(
        source=modules_of(poems)[0], course=course, user=remixer, kind=DerivationKind.VERBATIM
    ).module
    publish(included)
    ModulePageFactory(parent=course, title=DRAFT_MODULE, slug="draft", publish=False)
    private = ModulePageFactory(parent=course, title=PRIVATE_MODULE, slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    ModulePageFactory(parent=course, title="Last words", slug="last", body=[text_block("<p>Goodbye.</p>")])
    return CoursePage.objects.get(pk=course.pk)


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's errors and fatal errors for the file (warnings are not failures)."""
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK_JAR), "--quiet", str(path)], capture_output=True, text=True, check=False
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(("ERROR", "FATAL"))]
    if result.returncode != 0 and not problems:
        problems = [result.stdout + result.stderr]
    return problems
