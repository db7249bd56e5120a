"""The course pages: the catalog, a course, and a course's modules."""

from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail import blocks, hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry
from wagtail.search import index

from p2pu.core.context_processors import language_alternates
from p2pu.core.links import absolute_url
from p2pu.core.page_cache import page_cache_depends, shared_fragment

from ..blocks import RICH_TEXT_FEATURES, ModuleBodyBlock
from ..cache_tags import COURSES_TAG, PAGES_TAG, REMIX_FAMILIES_TAG, children_tag, page_tag, translations_tag
from ..catalog import CatalogFilterForm, catalog_orderings
from ..choices import LANGUAGE_CHOICES, Level
from ..derivations import course_attribution, module_attribution
from ..licensing import LICENCE_CHOICES, Licence
from ..locales import ServedInTheReadersLanguageMixin
from ..metadata import citation, course_json_ld, module_json_ld
from ..page_forms import CoursePageForm, ModulePageForm
from ..restrictions import CachedViewRestrictionsMixin, public
from ..serializers import CreditListField
from .authorship import CourseCredit

#: Rendition of a course's cover image on catalog cards; prefetched for the whole page of cards.
COVER_CARD_FILTER = "fill-640x360"
#: How many published versions the public history lists.
HISTORY_LENGTH = 20
# Between the shared parts of a course or module page (its head, before and after the reviews or body): a comment no
# content can hold, since text and rich text are escaped and comments stripped.
_PART_MARK = "<!--course-page-part-->"


def outcomes_field(item_name: str, item_label: str, *, verbose_name: str) -> StreamField:
    """A short list of plain-text statements (outcomes, objectives), each with a stable id."""
    return StreamField(
        [(item_name, blocks.CharBlock(max_length=255, label=item_label))],
        blank=True,
        verbose_name=verbose_name,
        help_text=_("One statement per item, e.g. “Plan a one-hour circle meeting”."),
    )


class CourseIndexPage(ServedInTheReadersLanguageMixin, CachedViewRestrictionsMixin, Page):
    """The catalog at /courses/: every published course, with search and filters."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    courses_per_page = 12

    @cached_property
    def _in_every_locale(self) -> Q:
        """Children of this catalog and of its translations: every locale's courses are one catalog."""
        under = Q()
        for catalog_path in self.get_translations(inclusive=True).values_list("path", flat=True):
            under |= Q(path__startswith=catalog_path)
        return Q(depth=self.depth + 1) & under

    def all_courses(self):
        """Courses under this catalog in every locale."""
        return CoursePage.objects.filter(self._in_every_locale)

    def courses(self):
        """Live, public courses in the catalog (in every language), newest first, with everything a card
        shows prefetched."""
        return (
            public(self.all_courses().live())
            .select_related("cover_image")
            .prefetch_related(
                "topics",
                Prefetch("credits", queryset=CourseCredit.objects.public().select_related("person")),
                Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(COVER_CARD_FILTER)),
            )
            .order_by("-first_published_at", "-pk")
        )

    def route(self, request, path_components):
        # /courses/<slug>/ serves a course of any locale: a translation has its own slug but no prefix.
        # The visitor's own locale's course wins when two share a slug.
        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components:
                raise
            course = self.all_courses().filter(slug=path_components[0]).exclude(locale_id=self.locale_id).first()
            if course is None:
                raise
            return course.specific.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # An order another app offers (by rating) shows its data too; read from the query, before the form
        # is built, so a cached listing costs no query.
        ordering = catalog_orderings().get(request.GET.get("sort", ""))
        # Every locale's courses are listed, and a translation is published under another catalog page.
        ordering_tags = (COURSES_TAG, *(ordering.cache_tags if ordering is not None else ()))
        page_cache_depends(request, *ordering_tags)
        # The filters and cards read nothing about the viewer: signed-in people share them too.
        context["listing"] = shared_fragment(
            request,
            "catalog",
            tags=(page_tag(self.pk), children_tag(self.pk), *ordering_tags),
            render=lambda: self._listing_render(request),
        )
        return context

    def _listing_render(self, request) -> str:
        form = CatalogFilterForm(request.GET or None, topics=self.topics())
        page_obj = Paginator(form.filtered(self.courses()), self.courses_per_page).get_page(request.GET.get("page"))
        courses = list(page_obj.object_list)
        translations_attach(courses)
        context = {
            # For the page URLs only (which site); no context processor runs.
            "request": request,
            "page": self,
            "filter_form": form,
            "page_obj": page_obj,
            "courses": courses,
            "extra_query": form.query_string(),
        }
        return render_to_string("courses/includes/catalog_listing.html", context)

    def topics(self):
        """Topics used by at least one live course in this catalog, for the filter."""
        live_course_ids = public(self.all_courses().live()).values("pk")
        return (
            Tag.objects.filter(courses_coursetopic_items__content_object__in=live_course_ids)
            .distinct()
            .order_by("name")
        )


def translations_attach(courses) -> None:
    """Set ``other_languages`` on each course: its live, public translations, by language; one query."""
    keys = {course.translation_key for course in courses}
    found: dict = {}
    if keys:
        for translation in public(CoursePage.objects.live().filter(translation_key__in=keys)).order_by("language"):
            found.setdefault(translation.translation_key, []).append(translation)
    for course in courses:
        course.other_languages = [other for other in found.get(course.translation_key, []) if other.pk != course.pk]


class CourseTopic(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences for the catalog card."))
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    outcomes = outcomes_field("outcome", _("Learning outcome"), verbose_name=_("outcomes"))
    topics = ClusterTaggableManager(through=CourseTopic, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    estimated_hours = models.PositiveSmallIntegerField(
        _("estimated hours"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    licence = models.CharField(_("licence"), max_length=20, choices=LICENCE_CHOICES, default=Licence.CC_BY_SA.value)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    cover_image_alt = models.CharField(
        _("cover image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it; leave empty if it is decorative."),
    )
    change_note = models.CharField(
        _("change note"),
        max_length=255,
        blank=True,
        help_text=_("What changed in this version, in a few words. Shown in the course's public history."),
    )
    # The course's own collection of images and documents, so its authors see only their files.
    collection = models.ForeignKey(
        "wagtailcore.Collection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The Wagtail group whose page, collection and rubric permissions let the course's credited
    # people edit it; courses.services keeps its members in step with the credits.
    authors_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="authored_course"
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("topics"),
                FieldRowPanel([FieldPanel("language"), FieldPanel("level"), FieldPanel("estimated_hours")]),
                FieldPanel("licence"),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")),
        FieldPanel("change_note"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("outcomes"),
        index.RelatedFields("topics", [index.SearchField("name", boost=2)]),
        index.AutocompleteField("summary"),
        index.FilterField("language"),
        index.FilterField("level"),
        index.FilterField("licence"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("description"),
        APIField("outcomes"),
        APIField("topics"),
        APIField("language"),
        APIField("level"),
        APIField("estimated_hours"),
        APIField("licence"),
        APIField("licence_url"),
        APIField("cover_image"),
        APIField("cover_image_alt"),
        APIField("change_note"),
        APIField("credits", serializer=CreditListField(source="public_credits")),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    # Offers only the licences the course's sources allow (courses.remix).
    base_form_class = CoursePageForm
    # A copy (a remix) gets an authoring space of its own rather than sharing this one.
    exclude_fields_in_copy = ["collection", "authors_group"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def with_content_json(self, content):
        # The authoring space belongs to the course, not to one version of it: restoring or
        # publishing a revision saved before the space existed must not unset it.
        page = super().with_content_json(content)
        page.collection_id = self.collection_id
        page.authors_group_id = self.authors_group_id
        return page

    @property
    def licence_enum(self) -> Licence:
        return Licence(self.licence)

    @property
    def search_language(self) -> str:
        """The language p2pu.core.search_backends indexes the course in."""
        return self.language

    def _catalog_and_other_languages(self):
        """The catalog above the course, and the course's live, public versions in other languages (plain
        pages, each with its ``language``: its locale's, which a translation's language always is), in one
        query: the page's query budget has no room for two."""
        rows = public(
            Page.objects.filter(
                Q(path=self.path[: -self.steplen])
                | (Q(translation_key=self.translation_key, live=True) & ~Q(pk=self.pk))
            ).select_related("locale")
        )
        catalog, others = None, []
        for row in rows:
            if row.depth == self.depth - 1:
                catalog = row
            else:
                row.language = row.locale.language_code
                others.append(row)
        return catalog or self.get_parent(), sorted(others, key=lambda row: row.language)

    def other_language_versions(self):
        """The course's live, public translations (the source among them), by language."""
        return public(
            CoursePage.objects.live().filter(translation_key=self.translation_key).exclude(pk=self.pk)
        ).order_by("language")

    @property
    def licence_url(self) -> str:
        return self.licence_enum.url

    def modules(self):
        """Live, public modules in outline order."""
        return public(ModulePage.objects.child_of(self).live()).order_by("path")

    def credited_names(self) -> list[str]:
        """Each name among the course's credits once, in credit order: one person may hold several roles (an
        author who also translated). Reads ``credits`` as the catalog prefetches them."""
        return list(dict.fromkeys(credit.name for credit in self.credits.all()))

    @cached_property
    def public_credits(self):
        """Credits shown publicly: those accepted for the course's current licence."""
        return list(self.credits.public().select_related("person"))

    def published_versions(self):
        """Who published what, when, for the course and its live modules, newest first.

        Read from Wagtail's publish log: each entry knows its user and the revision it
        published, whose title and change note it shows. Returns plain dicts: ``published_at``,
        ``published_by`` (a display name, or None for the system), ``title``, ``is_module``,
        ``change_note``.
        """
        entries = (
            PageLogEntry.objects.filter(action="wagtail.publish", page__path__startswith=self.path, page__live=True)
            .annotate(
                # Read from the JSON in the database, so the revisions' whole bodies are not loaded.
                version_title=KeyTextTransform("title", "revision__content"),
                version_change_note=KeyTextTransform("change_note", "revision__content"),
            )
            .select_related("user")
            .only("timestamp", "page_id", "user")
            .order_by("-timestamp", "-pk")[:HISTORY_LENGTH]
        )
        return [
            {
                "published_at": entry.timestamp,
                "published_by": entry.user.get_display_name() if entry.user else None,
                "title": entry.version_title,
                "is_module": entry.page_id != self.pk,
                "change_note": entry.version_change_note or "",
            }
            for entry in entries
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Everything but the reviews (which know the viewer) is the same for everyone: rendered once and
        # shared. Any page published, moved or deleted (the course, a module, the catalog, a course it is
        # based on) or a credit changed purges ``pages``, which costs no lookup of the page's lineage; other
        # apps name what they show on it (their ``courses_course_cache_tags`` hook: circles, ratings).
        shown_by_others = [tag for fn in hooks.get_hooks("courses_course_cache_tags") for tag in fn(self)]
        shown_by_others.append(translations_tag(self.translation_key))
        page_cache_depends(request, *shown_by_others)
        body = shared_fragment(
            request, "course", tags=[PAGES_TAG, *shown_by_others], render=lambda: self._body_render(request)
        )
        parts = [mark_safe(part) for part in body.split(_PART_MARK)]  # noqa: S308 (parts of safe HTML)
        context["head"], context["before_reviews"], context["after_reviews"] = parts
        # The head part carries the page's language alternates: the course's own versions where it has them.
        context["language_alternates"], context["language_default_url"] = [], ""
        return context

    def _body_render(self, request) -> str:
        # Read by the JSON-LD and by the template: once.
        prefetch_related_objects([self], "topics")
        modules = list(self.modules())
        url = self.get_full_url(request)
        credits = self.public_credits
        remix = course_attribution(self)
        catalog, other_languages = self._catalog_and_other_languages()
        # Where the course itself exists in a language, that version is the page's alternate in it, not this
        # page with its interface in that language.
        alternates = language_alternates(request)
        versions = {other.language: other for other in other_languages} | {self.language: self}
        json_ld = course_json_ld(
            self,
            url=url,
            modules=modules,
            module_urls=[module.get_full_url(request) for module in modules],
            credits=credits,
            absolute_url=absolute_url,
            based_on=remix.based_on,
        )
        # Other apps add what they know about the course (cohorts: its ratings) through this hook.
        for fn in hooks.get_hooks("courses_course_json_ld"):
            json_ld.update(fn(request, self) or {})
        context = {
            # For the hooks and page URLs (which site); no context processor runs.
            "request": request,
            "page": self,
            "part_mark": mark_safe(_PART_MARK),  # noqa: S308 (a constant)
            "course_alternates": [
                (code, versions[code].get_full_url(request) if code in versions else alternate)
                for code, alternate in alternates["language_alternates"]
            ],
            "language_default_url": alternates["language_default_url"],
            "catalog": catalog,
            "other_languages": other_languages,
            "modules": modules,
            "credits": credits,
            "remix": remix,
            "history": self.published_versions(),
            "citation": citation(self.title, credits=credits, url=url, licence=self.licence),
            "json_ld": json_ld,
        }
        return render_to_string("courses/includes/course_body.html", context)

    @property
    def remix_family_url(self) -> str:
        return self.url + self.reverse_subpage("remixes")

    @path("remixes/", name="remixes")
    def remixes(self, request):
        """The remix family at /courses/<course>/remixes/: the course's sources and published remixes.

        The template reads the family with ``{% remix_family %}`` (courses.remix), which the models cannot import.
        """
        page_cache_depends(request, REMIX_FAMILIES_TAG)
        return TemplateResponse(request, "courses/remix/family.html", {"page": self, "course": self})


class ModulePage(CachedViewRestrictionsMixin, Page):
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    objectives = outcomes_field("objective", _("Objective"), verbose_name=_("objectives"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(6000)],
        help_text=_("About how long a learner needs for this module, including its activities."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=20,
        choices=LICENCE_CHOICES,
        blank=True,
        help_text=_("Leave empty to use the course's licence."),
    )
    body = StreamField(ModuleBodyBlock(), blank=True, verbose_name=_("body"))
    change_note = models.CharField(
        _("change note"),
        max_length=255,
        blank=True,
        help_text=_("What changed in this version, in a few words. Shown in the course's public history."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("licence")]),
        FieldPanel("body"),
        FieldPanel("change_note"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("objectives"),
        index.SearchField("body"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("objectives"),
        APIField("duration_minutes"),
        APIField("licence"),
        APIField("effective_licence"),
        APIField("effective_licence_url"),
        APIField("change_note"),
        APIField("body"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    # Offers only the licences the module's sources allow, and keeps verbatim inclusions as they are.
    base_form_class = ModulePageForm

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @cached_property
    def course(self) -> "CoursePage | None":
        return CoursePage.objects.ancestor_of(self).first()

    @property
    def search_language(self) -> str:
        """The language p2pu.core.search_backends indexes the module in: its course's."""
        return self.course.language if self.course else ""

    @property
    def effective_licence(self) -> str:
        """The module's own licence, or the course's when the module does not set one."""
        if self.licence:
            return self.licence
        return self.course.licence if self.course else ""

    @property
    def effective_licence_url(self) -> str:
        return Licence(self.effective_licence).url if self.effective_licence else ""

    def activities(self):
        """The activities in the body as ``(block_id, value)`` pairs, in order.

        ``block_id`` is the StreamField item's UUID, which Wagtail keeps across revisions, so a
        circle stores ``(module page id, block_id)`` to refer to an activity.
        """
        return [(block.id, block.value) for block in self.body if block.block_type == "activity"]

    def activity(self, block_id: str):
        """One activity's value by its block id, or None when this module has no such activity."""
        return next((value for activity_id, value in self.activities() if activity_id == block_id), None)

    def headings(self):
        """Section headings in the body, for the module's own table of contents."""
        return [(block.id, block.value) for block in self.body if block.block_type == "heading"]

    def _live_siblings(self):
        return public(ModulePage.objects.sibling_of(self, inclusive=False).live())

    @cached_property
    def _neighbours(self) -> tuple["ModulePage | None", "ModulePage | None"]:
        """The live modules just before and after this one, in one query (their bodies left out)."""
        before = after = None
        for sibling in self._live_siblings().defer("body").order_by("path"):
            if sibling.path < self.path:
                before = sibling
            elif after is None:
                after = sibling
        return before, after

    def previous_module(self):
        return self._neighbours[0]

    def next_module(self):
        return self._neighbours[1]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # All but the body (its activities offer "Submit work" to the viewer) is the same for everyone:
        # rendered once and shared until a page is published, moved or deleted, or a credit changes.
        shared = shared_fragment(request, "module", tags=[PAGES_TAG], render=lambda: self._shared_render(request))
        parts = [mark_safe(part) for part in shared.split(_PART_MARK)]  # noqa: S308 (parts of safe HTML)
        context["head"], context["before_body"], context["after_body"] = parts
        return context

    def _shared_render(self, request) -> str:
        course = self.course
        credits = course.public_credits if course else []
        url = self.get_full_url(request)
        course_url = course.get_full_url(request) if course else ""
        remix = module_attribution(self)
        context = {
            # For page URLs (which site); no context processor runs.
            "request": request,
            "page": self,
            "part_mark": mark_safe(_PART_MARK),  # noqa: S308 (a constant)
            "course": course,
            # The module is written in its course's language (its locale's), whatever the interface's.
            "content_language": course.language if course else self.locale.language_code,
            "catalog": course.get_parent() if course else None,
            "previous_module": self.previous_module(),
            "next_module": self.next_module(),
            "credits": credits,
            "remix": remix,
            # Material included verbatim is cited as its authors published it.
            "citation": remix.citation
            or citation(self.title, credits=credits, url=url, licence=self.effective_licence),
            "json_ld": module_json_ld(
                self,
                url=url,
                course=course,
                course_url=course_url,
                credits=credits,
                absolute_url=absolute_url,
                based_on=remix.based_on,
            ),
        }
        return render_to_string("courses/includes/module_shared.html", context)
