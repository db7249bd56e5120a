"""The public read-only Wagtail API (v2): live, public pages only, and only the files of live, public courses."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from courses.cache_tags import PAGES_TAG
from courses.permissions import public_course_collections
from p2pu.core.page_cache import page_cache_depends


class CachedPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, whose lists are cached for anonymous visitors (purged by any page change)."""

    def listing_view(self, request):
        page_cache_depends(request, PAGES_TAG)
        return super().listing_view(request)


class PublicCourseImagesAPIViewSet(ImagesAPIViewSet):
    """A draft's or a private course's images are not listed (nor found by id)."""

    def get_queryset(self):
        return super().get_queryset().filter(collection__in=public_course_collections())


class PublicCourseDocumentsAPIViewSet(DocumentsAPIViewSet):
    def get_queryset(self):
        return super().get_queryset().filter(collection__in=public_course_collections())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", CachedPagesAPIViewSet)
api_router.register_endpoint("images", PublicCourseImagesAPIViewSet)
api_router.register_endpoint("documents", PublicCourseDocumentsAPIViewSet)
