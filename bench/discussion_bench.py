"""Circle discussions, as `name: value unit` lines.

- `discussion.thread.2000: <ms> ms (target < 50 ms) ok|MISSED`: a member's request for one page of a thread
  with 2,000 replies (the middle page, then the last), through the whole Django stack with the test client;
  the median of 20 requests after two warm-ups.
- `discussion.unread.500_threads: <ms> ms`: how many threads have something new for a member of a circle
  with 500 threads, half of which they have read (cohorts.discussions.queries.unread_count); median of 50.

Builds its own throwaway SQLite database (migrated from scratch); posts are made in bulk, already rendered,
because the figures are for reading, not for building the data.
"""

import datetime as dt
import statistics
import sys
import time

from throwaway_db import throwaway_database_setup

REPLIES = 2000
THREADS = 500
TARGET_MS = 50


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> int:
    throwaway_database_setup(prefix="lc-discussion-bench-")

    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from cohorts.discussions import markdown, queries
    from cohorts.models import Circle, Membership, Post, Thread, ThreadRead
    from courses.services import catalog_ensure, course_create
    from home.services import site_tree_ensure

    User = get_user_model()
    author = User.objects.create_user(username="author", email="author@example.org", password="bench-password-1")  # noqa: S106
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    catalog = catalog_ensure(home_page=site_tree_ensure().root_page)
    course = course_create(catalog=catalog, title="A course", user=author, publish=True, summary="For the bench.")
    start = timezone.localdate()
    circle = Circle.objects.create(
        course=course, name="Bench circle", time_zone="UTC", start_date=start, weekday=start.weekday(),
        meeting_time=dt.time(18), weeks=1, capacity=30, seats_taken=20, state="running",
    )  # fmt: skip
    User.objects.bulk_create(
        User(username=f"m{n}", email=f"m{n}@example.org", password="!", display_name=f"Member {n}")  # noqa: S106
        for n in range(20)
    )
    members = list(User.objects.filter(username__startswith="m").order_by("pk"))
    now = timezone.now()
    Membership.objects.bulk_create(
        Membership(circle=circle, user=person, role="learner", status="active", joined_at=now) for person in members
    )
    reader = members[0]

    thread = Thread.objects.create(circle=circle, title="A long conversation", created_by=members[1])
    body = "A reply with **some** formatting, a link to https://example.org and a mention of @m2.\n\n- one\n- two"
    html = markdown.render(body, mentionable={"m2"}).html
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=members[n % len(members)],
            body=body,
            body_html=html,
            created_at=now - dt.timedelta(minutes=REPLIES - n),
        )
        for n in range(REPLIES + 1)
    )
    Thread.objects.filter(pk=thread.pk).update(post_count=REPLIES + 1, last_posted_at=now)

    client = Client()
    client.force_login(reader)
    url = thread.get_absolute_url()
    pages = [{"page": 40}, {"page": "last"}]
    for query in pages:
        response = client.get(url, query)
        assert response.status_code == 200, response.status_code
    page_ms = median_ms(lambda: [client.get(url, query) for query in pages], runs=10) / len(pages)
    verdict = "ok" if page_ms < TARGET_MS else "MISSED"
    print(f"discussion.thread.{REPLIES}: {page_ms:.1f} ms (target < {TARGET_MS} ms) {verdict}", flush=True)

    Thread.objects.bulk_create(
        Thread(circle=circle, title=f"Thread {n}", created_by=members[n % len(members)], last_posted_at=now)
        for n in range(THREADS - 1)
    )
    # The long thread was read above; of the others, every second one.
    read = Thread.objects.filter(circle=circle).exclude(pk=thread.pk).order_by("pk").values_list("pk", flat=True)[::2]
    ThreadRead.objects.bulk_create(ThreadRead(thread_id=pk, user=reader, seen_at=now) for pk in read)
    expected = THREADS - len(read) - 1
    assert queries.unread_count(circle=circle, user=reader) == expected
    unread_ms = median_ms(lambda: queries.unread_count(circle=circle, user=reader), runs=50)
    print(f"discussion.unread.{THREADS}_threads: {unread_ms:.2f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
