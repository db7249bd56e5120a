"""Images under MEDIA_ROOT, served through a permission check in every settings module.

Wagtail keeps image originals (``original_images/``) and renditions (``images/``) in MEDIA_ROOT under
guessable names. A course's images follow the course (``permissions.can_see_course_file``): a draft's
or a private course's images are not for everyone. Nothing else there is served from this address:
documents go through Wagtail's document view (checked by a ``before_serve_document`` hook), exports
and submitted work through their own views. With the media on S3 (p2pu.core.object_storage.MediaStorage)
these images are private objects in the bucket linked at this same address, and the view answers the
viewer who may see one with a short-lived signed link to it.
"""

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve
from wagtail.images import get_image_model

from p2pu.core.object_storage import MediaStorage, media_file_redirect

from . import permissions

ORIGINALS = "original_images/"
RENDITIONS = "images/"
#: Browsers may keep an image for this long; shared caches never keep one (it may belong to a draft).
BROWSER_CACHE_SECONDS = 300


def _image_file_of(path: str):
    """The image (original or rendition) stored at ``path``, as (its collection's id, its file)."""
    image_model = get_image_model()
    if path.startswith(ORIGINALS):
        image = image_model.objects.filter(file=path).only("collection_id", "file").first()
        return (image.collection_id, image.file) if image else None
    if path.startswith(RENDITIONS):
        rendition = image_model.get_rendition_model().objects.filter(file=path).select_related("image").first()
        return (rendition.image.collection_id, rendition.file) if rendition else None
    return None


def media_file(request, path: str):
    found = _image_file_of(path)
    if found is None:
        raise Http404
    collection_id, field_file = found
    if not permissions.can_see_course_file(request=request, collection_id=collection_id):
        raise Http404
    if isinstance(field_file.storage, MediaStorage):
        return media_file_redirect(field_file, cache_seconds=BROWSER_CACHE_SECONDS)
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=BROWSER_CACHE_SECONDS)
    return response
