"""Media on S3-compatible object storage (django-storages), and private files served through signed links.

Production turns it on with S3_BUCKET (see p2pu.settings.production): public media (images and their
renditions, documents, exports) under ``media/``, readable by anyone; private files (submitted work,
discussion attachments) under ``private/``, never public-read, each handed out after the site's own
permission check as a signed link that expires after ``PRIVATE_FILE_URL_SECONDS``. Without it, private
files stay on the local disk beside MEDIA_ROOT and the views stream them.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import Storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string

S3_BACKEND = "storages.backends.s3.S3Storage"


def s3_storages(*, bucket: str, endpoint_url: str, region: str, media_acl: str, private_url_seconds: int) -> dict:
    """The STORAGES entries for media in one bucket: "default" (public) and "private" (signed links only)."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "file_overwrite": False,
        "signature_version": "s3v4",
        # A self-hosted endpoint (MinIO, moto, Ceph) names buckets in the path, not in a host name.
        "addressing_style": "path" if endpoint_url else None,
    }
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**common, "location": "media", "default_acl": media_acl or None, "querystring_auth": False},
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **common,
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": private_url_seconds,
            },
        },
    }


def private_storage(*, folder: str, local: Callable[[], Storage]) -> Storage:
    """The "private" storage under ``folder`` when one is configured, else ``local()`` (the local disk)."""
    config = settings.STORAGES.get("private")
    if config is None:
        return local()
    options = dict(config.get("OPTIONS", {}))
    options["location"] = "/".join(part for part in (options.get("location", ""), folder) if part)
    return import_string(config["BACKEND"])(**options)


def private_file_response(
    field_file, *, filename: str, as_attachment: bool, content_type: str | None = None, cache_control: str
) -> HttpResponse:
    """Hand out a private file its viewer may see: a signed, expiring link when the storage signs links,
    else the file streamed by this process (with ``cache_control``)."""
    storage = field_file.storage
    if getattr(storage, "querystring_auth", False):
        parameters = {"ResponseContentDisposition": content_disposition_header(as_attachment, filename)}
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = storage.url(field_file.name, parameters=parameters, expire=settings.PRIVATE_FILE_URL_SECONDS)
        response = HttpResponseRedirect(url)
        # The link expires: nobody may keep the redirect.
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(
        field_file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
