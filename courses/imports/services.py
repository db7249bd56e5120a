"""Writes for imports: a new draft course from an upload, whole or not at all.

Everything happens in one transaction; image files already written to storage are deleted again if
anything fails, so a refused import leaves nothing behind.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model

from ..models import CoursePage
from ..remix.services import external_source_add
from ..services import course_start, module_create
from .archives import ImportRefused
from .html_blocks import ImageReference
from .readers import ImportedCourse, read_upload

IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def _image_checked(reference: ImageReference) -> str:
    """The image's file extension, once it is known to be a picture of acceptable size."""
    name = reference.src.rsplit("/", 1)[-1] or "image"
    if len(reference.data) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE:
        raise ImportRefused(
            _("The image “%(name)s” is larger than %(megabytes)s MB.")
            % {"name": name, "megabytes": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE // 2**20}
        )
    try:
        with PILImage.open(io.BytesIO(reference.data)) as picture:
            width, height = picture.size
            kind = picture.format
    except (OSError, PILImage.DecompressionBombError) as error:
        raise ImportRefused(
            _("The image “%(name)s” could not be read, or is far too large.") % {"name": name}
        ) from error
    if kind not in IMAGE_FORMATS:
        raise ImportRefused(_("The image “%(name)s” is not a PNG, JPEG, GIF or WebP picture.") % {"name": name})
    if width * height > settings.IMPORT_MAX_IMAGE_PIXELS:
        raise ImportRefused(
            _("The image “%(name)s” is %(width)s×%(height)s pixels, which is too large.")
            % {"name": name, "width": width, "height": height}
        )
    return IMAGE_FORMATS[kind]


def _image_save(reference: ImageReference, *, course: CoursePage, saved: list) -> int:
    extension = _image_checked(reference)
    title = (reference.alt or reference.src.rsplit("/", 1)[-1] or _("Imported image"))[:255]
    image = get_image_model()(title=title, collection=course.collection)
    image.file = ImageFile(io.BytesIO(reference.data), name=f"import-{uuid.uuid4().hex[:12]}.{extension}")
    image.save()
    saved.append(image.file.name)
    return image.pk


def _stream(blocks, *, course: CoursePage, saved: list) -> list[dict]:
    stream = []
    for kind, value in blocks:
        if isinstance(value, ImageReference):
            if value.data is None:
                continue
            value = {
                "image": _image_save(value, course=course, saved=saved),
                "alt_text": value.alt[:250],
                "caption": value.caption[:250],
                "credit": "",
                "licence": "",
            }
        stream.append({"type": kind, "value": value, "id": str(uuid.uuid4())})
    return stream


def _source_keep(imported: ImportedCourse, *, course: CoursePage, user) -> None:
    """The file's own attribution, as an external source the course adapts (when it names a licence and a URL)."""
    if not (imported.licence and imported.source_url):
        return
    external_source_add(
        target=course,
        user=user,
        url=imported.source_url,
        title=imported.title,
        author=", ".join(imported.authors),
        licence=imported.licence,
    )


def _write(imported: ImportedCourse, *, user, saved: list) -> CoursePage:
    licence = imported.licence or CoursePage._meta.get_field("licence").default
    summary = (imported.summary or _("Imported from “%(title)s”.") % {"title": imported.title})[:300]
    course = course_start(user=user, title=imported.title[:255], summary=summary, licence=licence)
    for module in imported.modules:
        slug = find_available_slug(course, slugify(module.title)[:200] or "module")
        body = _stream(module.body.blocks, course=course, saved=saved)
        objectives = [{"type": "objective", "value": text[:255]} for text in module.body.objectives]
        module_create(
            course=course,
            user=user,
            publish=False,
            title=module.title[:255],
            slug=slug,
            body=body,
            summary=module.body.summary[:300],
            objectives=objectives,
        )
    _source_keep(imported, course=course, user=user)
    return course


def course_import(*, user, filename: str, data: bytes) -> CoursePage:
    """A new draft course from a .docx, .epub or Common Cartridge; raises ImportRefused or
    ValidationError with a message for the person, having changed nothing."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportRefused(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
        )
    imported = read_upload(filename, data)
    saved: list[str] = []
    try:
        with transaction.atomic():
            return _write(imported, user=user, saved=saved)
    except Exception:
        storage = get_image_model()._meta.get_field("file").storage
        for name in saved:
            storage.delete(name)
        raise
