"""How long a harvester takes to list 10,000 courses over OAI-PMH, and how much memory the server needs:
`oai.list_records.10000: <seconds> s` and `oai.list_records.10000.peak_memory: <MiB> MiB`.

Builds a throwaway SQLite database with 10,000 live courses (each with a credit and a topic), written
straight into the page tree in bulk (adding them one by one through Wagtail would take the bench most
of its time), then harvests `ListRecords` (oai_dc) through Django's test client, following every
resumption token, as a harvester would. The memory figure is the peak of Python allocations during
a second harvest (tracemalloc), which stays flat because each response holds one page of records.
"""

import sys
import time
import tracemalloc
from xml.etree import ElementTree

from throwaway_db import throwaway_database_setup

COURSES = 10_000
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def catalog_fill(count: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import Locale, Page

    from courses.models import CourseCredit, CoursePage, CourseTopic
    from courses.services import catalog_ensure
    from home.services import site_tree_ensure

    catalog = catalog_ensure(home_page=site_tree_ensure().root_page)
    content_type = ContentType.objects.get_for_model(CoursePage)
    locale = Locale.get_default()
    now = timezone.now()
    licences = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC0-1.0"]
    with transaction.atomic():
        pages = Page.objects.bulk_create(
            Page(
                title=f"Course {number}",
                draft_title=f"Course {number}",
                slug=f"course-{number}",
                content_type=content_type,
                locale=locale,
                path=Page._get_path(catalog.path, catalog.depth + 1, number),
                depth=catalog.depth + 1,
                url_path=f"{catalog.url_path}course-{number}/",
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
            for number in range(1, count + 1)
        )
        Page.objects.filter(pk=catalog.pk).update(numchild=count)
        for number, page in enumerate(pages, start=1):
            CoursePage(
                page_ptr=page,
                summary=f"What course {number} is about, in one sentence.",
                description="<p>A longer description.</p>",
                licence=licences[number % len(licences)],
                language="en" if number % 3 else "es",
            ).save_base(raw=True)
        CourseCredit.objects.bulk_create(
            CourseCredit(
                course_id=page.pk,
                external_name=f"Author {page.pk}",
                accepted_at=now,
                accepted_licence=licences[number % len(licences)],
            )
            for number, page in enumerate(pages, start=1)
        )
        tag = Tag.objects.create(name="Maps", slug="maps")
        CourseTopic.objects.bulk_create(CourseTopic(content_object_id=page.pk, tag=tag) for page in pages)


def harvest(client) -> int:
    arguments = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    harvested = 0
    while True:
        response = client.get("/oai/", arguments)
        root = ElementTree.fromstring(b"".join(response.streaming_content))  # noqa: S314 (our own response)
        harvested += len(root.findall(f".//{OAI}record"))
        token = root.findtext(f".//{OAI}resumptionToken")
        if not token:
            return harvested
        arguments = {"verb": "ListRecords", "resumptionToken": token}


def main() -> int:
    throwaway_database_setup(prefix="lc-oai-bench-")
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    catalog_fill(COURSES)
    client = Client()
    start = time.perf_counter()
    harvested = harvest(client)
    seconds = time.perf_counter() - start
    if harvested != COURSES:
        print(f"oai bench: harvested {harvested} records, expected {COURSES}", file=sys.stderr)
        return 1
    tracemalloc.start()
    harvest(client)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"oai.list_records.{COURSES}: {seconds:.2f} s ({settings.OAI_PMH_PAGE_SIZE} records per response)")
    print(f"oai.list_records.{COURSES}.peak_memory: {peak / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
