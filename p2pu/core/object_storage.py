"""Media on S3-compatible object storage (django-storages), and private files served through signed links.

Production turns it on with S3_BUCKET (see p2pu.settings.production): media under ``media/``
(``MediaStorage``), readable by anyone except a course's files; private files (submitted work, discussion
attachments) under ``private/``, never public-read. A course's images and documents follow the course
(a draft's are its authors'), so in the bucket they are private too and their links point at the site,
which checks the viewer and then hands out a signed link that expires after ``PRIVATE_FILE_URL_SECONDS``.
Without S3, private files stay on the local disk beside MEDIA_ROOT and the views stream them.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import Storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

S3_BACKEND = "storages.backends.s3.S3Storage"
MEDIA_BACKEND = "p2pu.core.object_storage.MediaStorage"
#: Wagtail's image originals and renditions: linked at the site's MEDIA_URL (courses.files.media_file).
SITE_LINKED_FOLDERS = ("original_images/", "images/")
#: Wagtail's documents: linked at its document view (checked by a before_serve_document hook), which
#: redirects to ``url()``, here a signed link.
SIGNED_LINK_FOLDERS = ("documents/",)


class MediaStorage(S3Storage):
    """Public media in the bucket, except a course's images and documents: those objects are private and
    reached only after the site's permission check."""

    def _relative(self, name: str) -> str:
        prefix = f"{self.location}/" if self.location else ""
        return name.removeprefix(prefix)

    def is_permission_checked(self, name: str) -> bool:
        return self._relative(name).startswith(SITE_LINKED_FOLDERS + SIGNED_LINK_FOLDERS)

    def get_object_parameters(self, name: str) -> dict:
        parameters = super().get_object_parameters(name)
        # Without per-object ACLs (a bucket policy grants reads instead) the policy must leave these out.
        if self.default_acl and self.is_permission_checked(name):
            parameters["ACL"] = "private"
        return parameters

    def url(self, name, parameters=None, expire=None, http_method=None):
        if name.startswith(SITE_LINKED_FOLDERS):
            return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"
        if name.startswith(SIGNED_LINK_FOLDERS):
            return self.signed_url(name, parameters=parameters, expire=settings.PRIVATE_FILE_URL_SECONDS)
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)

    def permission_checked_prefixes(self) -> list[str]:
        """The bucket's key prefixes of the files ``is_permission_checked`` names."""
        prefix = f"{self.location}/" if self.location else ""
        return [f"{prefix}{folder}" for folder in SITE_LINKED_FOLDERS + SIGNED_LINK_FOLDERS]

    def signed_url(self, name: str, *, expire: int, parameters: dict | None = None) -> str:
        """A link to the object that anyone holding it may follow for ``expire`` seconds."""
        params = {**(parameters or {}), "Bucket": self.bucket.name, "Key": self._normalize_name(clean_name(name))}
        return self.connection.meta.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expire)


def checked_media_privatise(*, storage: MediaStorage) -> int:
    """Make private every course image and document in the bucket (those stored before the storage kept
    them private were public-read); returns how many objects it changed."""
    client = storage.connection.meta.client
    pages = client.get_paginator("list_objects_v2")
    changed = 0
    for prefix in storage.permission_checked_prefixes():
        for page in pages.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                client.put_object_acl(Bucket=storage.bucket_name, Key=item["Key"], ACL="private")
                changed += 1
    return changed


def bucket_origins(*, bucket: str, endpoint_url: str, region: str) -> list[str]:
    """Where browsers fetch the bucket's objects from, for the Content-Security-Policy: the endpoint's
    origin, or AWS's global host for the bucket and (S3 may redirect there) its regional one."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


def csp_sources_add(directives: dict, *, names: tuple[str, ...], sources: list[str]) -> dict:
    """A copy of a Content-Security-Policy's directives with ``sources`` allowed for each of ``names``."""
    return {**directives, **{name: [*directives.get(name, []), *sources] for name in names}}


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
            "BACKEND": MEDIA_BACKEND,
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


def media_file_redirect(field_file, *, cache_seconds: int) -> HttpResponse:
    """Hand out a permission-checked media file in the bucket (an image its viewer may see): a signed link.

    The viewer's browser may keep the redirect for a while (``private``: never a shared cache, the file
    may belong to a draft), but never past half the link's life, so a kept redirect still leads somewhere;
    the file itself may be kept for ``cache_seconds``. Each redirect is a new link, so a browser fetches
    an image again once it has forgotten the redirect: the price of letting nobody else follow it."""
    link_seconds = settings.PRIVATE_FILE_URL_SECONDS
    url = field_file.storage.signed_url(
        field_file.name,
        expire=link_seconds,
        parameters={"ResponseCacheControl": f"private, max-age={cache_seconds}"},
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = f"private, max-age={min(cache_seconds, link_seconds // 2)}"
    return response
