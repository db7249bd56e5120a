"""Atom feeds of the catalog: courses newly published (/courses/feeds/new.atom) and courses updated
(/courses/feeds/updated.atom), optionally narrowed with ``?topic=<slug>`` and ``?language=<code>``.
Only live, public courses appear."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .choices import COURSE_LANGUAGE_CODES
from .models import CourseCredit, CoursePage

#: Entries in one feed.
FEED_LENGTH = 50

KINDS = {
    "new": (_("New courses"), _("Courses newly published in the catalog."), "-first_published_at"),
    "updated": (_("Updated courses"), _("Courses whose latest version was just published."), "-last_published_at"),
}


class CourseFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, kind: str):
        if kind not in KINDS:
            raise Http404("No such feed.")
        language = request.GET.get("language", "")
        if language and language not in COURSE_LANGUAGE_CODES:
            raise Http404("No such language.")
        return {"kind": kind, "topic": request.GET.get("topic", ""), "language": language, "path": request.path}

    def title(self, obj) -> str:
        title = KINDS[obj["kind"]][0]
        narrowed = [part for part in (obj["topic"], obj["language"]) if part]
        return f"{title} ({', '.join(narrowed)})" if narrowed else title

    def subtitle(self, obj) -> str:
        return KINDS[obj["kind"]][1]

    def link(self, obj) -> str:
        return "/courses/"

    def feed_url(self, obj) -> str:
        return obj["path"]

    def items(self, obj):
        courses = (
            CoursePage.objects.live()
            .public()
            .prefetch_related(
                "topics",
                Prefetch(
                    "credits", queryset=CourseCredit.objects.public().select_related("person"), to_attr="feed_credits"
                ),
            )
            .order_by(KINDS[obj["kind"]][2], "-pk")
        )
        if obj["topic"]:
            courses = courses.filter(topics__slug=obj["topic"])
        if obj["language"]:
            courses = courses.filter(language=obj["language"])
        return courses[:FEED_LENGTH]

    def item_title(self, item: CoursePage) -> str:
        return item.title

    def item_description(self, item: CoursePage) -> str:
        return item.summary

    def item_link(self, item: CoursePage) -> str:
        return item.url

    def item_guid(self, item: CoursePage) -> str:
        return f"course-{item.pk}-{item.last_published_at:%Y%m%d%H%M%S}"

    def item_guid_is_permalink(self, item) -> bool:
        return False

    def item_author_name(self, item: CoursePage) -> str:
        return ", ".join(credit.name for credit in item.feed_credits)

    def item_pubdate(self, item: CoursePage):
        return item.first_published_at

    def item_updateddate(self, item: CoursePage):
        return item.last_published_at

    def item_categories(self, item: CoursePage) -> list[str]:
        return [topic.name for topic in item.topics.all()]
