"""Images attached to posts, checked like submitted files: size, a name we take, and content that is
really that kind of image (by its bytes, then opened by Pillow), so nothing else passes for a picture."""

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

#: Extension → the type ``filetype`` must recognise in the content.
ALLOWED_IMAGE_TYPES = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "gif": "gif", "webp": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def validate_image(upload) -> None:
    limit = settings.DISCUSSION_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("%(name)s is %(size)s; images can be at most %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED_IMAGE_TYPES:
        raise forms.ValidationError(_("Attach PNG, JPEG, GIF or WebP images only."))
    upload.seek(0)
    detected = filetype.guess(upload.read(8192))
    upload.seek(0)
    if detected is None or detected.extension != ALLOWED_IMAGE_TYPES[extension]:
        raise forms.ValidationError(
            _("%(name)s is not really a .%(ext)s image.") % {"name": upload.name, "ext": extension}
        )
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise forms.ValidationError(_("%(name)s could not be opened as an image.") % {"name": upload.name}) from None
    finally:
        upload.seek(0)


def content_type_of(upload) -> str:
    upload.seek(0)
    detected = filetype.guess(upload.read(8192))
    upload.seek(0)
    return CONTENT_TYPES[detected.extension]
