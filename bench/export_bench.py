"""How long exporting a 50-module course takes: `export.epub.50_modules` (target under 3 s) and
`export.pdf.50_modules` (target under 10 s), each printed with its target and ok/MISSED.

Builds its own throwaway SQLite database with a published course of 50 modules (headings, text, an
image, a discussion question and an activity with a rubric in each), then times the whole build of
each file as the Celery task does it (reading the version, rendering every chapter, writing the file):
after one warm-up build, the best of three.
"""

import sys
import time

from throwaway_db import throwaway_database_setup

MODULES = 50
RUNS = 3
TARGETS = {"epub": 3.0, "pdf": 10.0}


def course_make():
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from courses.services import catalog_ensure, course_create, credit_add, module_create, rubric_create
    from home.services import site_tree_ensure

    author = get_user_model().objects.create_user(username="author", email="author@example.org")
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    catalog = catalog_ensure(home_page=site_tree_ensure().root_page)
    course = course_create(
        catalog=catalog, title="Fifty modules", user=author, publish=True, summary="A long course.", licence="CC-BY-4.0"
    )
    credit_add(course=course, person=author, accepted=True)
    levels = [{"score": 1, "label": "Unclear", "descriptor": "Hard to follow."}]
    levels += [{"score": 2, "label": "Clear", "descriptor": "Easy to follow."}]
    criterion = {"type": "criterion", "value": {"name": "Clarity", "description": "", "levels": levels}}
    rubric = rubric_create(title="Clarity", criteria=[criterion], course=course, user=author)
    image = get_image_model().objects.create(title="Chairs", file=get_test_image_file())
    paragraph = "<p>" + "Read this before the meeting, then talk it over with your circle. " * 12 + "</p>"
    for number in range(1, MODULES + 1):
        module_create(
            course=course,
            user=author,
            publish=True,
            title=f"Module {number}",
            slug=f"module-{number}",
            summary=f"What module {number} covers.",
            body=[
                {"type": "heading", "value": {"text": f"Part {number}", "level": "h2"}},
                {"type": "text", "value": paragraph * 3},
                {"type": "image", "value": {"image": image.pk, "alt_text": "Chairs", "caption": "", "credit": ""}},
                {"type": "discussion", "value": {"question": f"What did part {number} change for you?"}},
                {
                    "type": "activity",
                    "value": {
                        "title": f"Exercise {number}",
                        "prompt": "<p>Write a paragraph.</p>",
                        "submission_type": "text",
                        "rubric": rubric.pk,
                        "reviews_per_submission": 2,
                        "due_offset_days": 7,
                    },
                },
            ],
        )
    return course


def main() -> int:
    throwaway_database_setup(prefix="lc-export-bench-")

    from courses.exports.editions import live_edition
    from courses.exports.formats import BUILDERS, unavailable_reason
    from courses.models import CoursePage

    course = CoursePage.objects.get(pk=course_make().pk)
    missed = 0
    for name, target in TARGETS.items():
        if unavailable_reason(name):
            print(f"export.{name}.{MODULES}_modules: unavailable ({unavailable_reason(name)})")
            missed += 1
            continue
        builder = BUILDERS[name]
        builder.build(live_edition(course))
        timings = []
        for _run in range(RUNS):
            started = time.perf_counter()
            builder.build(live_edition(course))
            timings.append(time.perf_counter() - started)
        elapsed = min(timings)
        verdict = "ok" if elapsed < target else "MISSED"
        missed += elapsed >= target
        print(f"export.{name}.{MODULES}_modules: {elapsed:.2f} s (target < {target:g} s: {verdict})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
