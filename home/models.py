"""The home page and the site-wide settings editors manage in the Wagtail admin."""

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cohorts.models import Circle
from cohorts.page_cache import CIRCLES_TAG
from courses.cache_tags import COURSES_TAG, PAGES_TAG
from courses.licensing import LICENCE_CHOICES
from courses.locales import ServedInTheReadersLanguageMixin, active_locale_id, served_version
from courses.models import CourseIndexPage, CoursePage
from courses.restrictions import CachedViewRestrictionsMixin, public
from p2pu.core.page_cache import page_cache_depends, shared_fragment

from .sites import site_settings_cached

FEATURED_COURSES = 6

UPCOMING_CIRCLES = 6


class HomePage(ServedInTheReadersLanguageMixin, CachedViewRestrictionsMixin, Page):
    hero_heading = models.CharField(_("hero heading"), max_length=140, default="Learn together, in the open.")
    hero_text = models.TextField(
        _("hero text"),
        blank=True,
        default=(
            "Join a small study circle of peers, follow an openly licensed course on a schedule that suits you, "
            "and review each other's work. No teachers, no fees: just people learning together."
        ),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("hero_text")], heading=_("Hero")),
        FieldPanel("intro"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    @property
    def localized_draft(self):
        # Routing starts from the site's own root page in every language (courses.locales): the reader's
        # translation of this page is served by ``route``, and of a page below by that page.
        return self

    def route(self, request, path_components):
        """Find the deepest page the path names in one query, instead of a child lookup and a ``.specific``
        per level; that page routes what is left (a course's ``remixes/``, or a 404)."""
        translations = getattr(self, "live_translations", None)
        if not path_components and translations is not None and not getattr(self, "is_reader_version", False):
            # The cached site's copy of this page (home.sites) knows its translations: no query for any reader.
            chosen = translations.get(active_locale_id(), self)
            chosen.is_reader_version = True
            return chosen.route(request, path_components)
        if path_components:
            prefixes = [
                f"{self.url_path}{'/'.join(path_components[:length])}/" for length in range(len(path_components), 0, -1)
            ]
            deepest = Page.objects.filter(path__startswith=self.path, url_path__in=prefixes).order_by("-depth").first()
            if deepest is not None:
                rest = path_components[deepest.depth - self.depth :]
                return served_version(deepest, served=not rest).route(request, rest)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_cache_depends(request, CIRCLES_TAG, COURSES_TAG)
        # Nothing below the header is about the viewer: signed-in people share it too, until a page is
        # published (``pages``: this page, the catalog, a course) or a circle changes.
        context["body"] = shared_fragment(
            request, "home", tags=[PAGES_TAG, CIRCLES_TAG, COURSES_TAG], render=lambda: self._body_render(request)
        )
        return context

    def _body_render(self, request) -> str:
        context = {
            # For the page URLs only (which site); no context processor runs.
            "request": request,
            "page": self,
            "how_it_works": HOW_A_CIRCLE_WORKS,
            "catalog": CourseIndexPage.objects.child_of(self).live().first(),
            "upcoming_circles": Circle.objects.upcoming()[:UPCOMING_CIRCLES],
            "featured_courses": public(CoursePage.objects.live()).order_by("-first_published_at")[:FEATURED_COURSES],
        }
        return render_to_string("home/includes/home_body.html", context)


HOW_A_CIRCLE_WORKS = [
    (_("Find a course"), _("Browse openly licensed courses written by learners and educators.")),
    (_("Join or start a circle"), _("Meet a small group of peers online or in person, once a week.")),
    (_("Do the work together"), _("Each meeting covers a module; you submit your work for an activity.")),
    (_("Review each other"), _("Peers give rubric-based feedback, and you rate how helpful it was.")),
]


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(_("site name"), max_length=100, default=settings.WAGTAIL_SITE_NAME)
    default_licence = models.CharField(
        _("default licence"),
        max_length=20,
        choices=LICENCE_CHOICES,
        default="CC-BY-SA-4.0",
        help_text=_("Suggested for new courses; authors may choose another."),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True, default="Open peer-to-peer learning")

    panels = [FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("default_licence")]

    @classmethod
    def for_site(cls, site):
        if site is None:
            raise cls.DoesNotExist(f"{cls} does not exist for site None.")
        return site_settings_cached(cls, site)

    class Meta:
        verbose_name = _("site settings")
