"""Make a course's images and documents private in the S3 bucket, for files stored before they were kept so.

Run once after deploying with ``S3_BUCKET`` over a bucket that already holds media; harmless to repeat.
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from p2pu.core.object_storage import MediaStorage, checked_media_privatise


class Command(BaseCommand):
    help = "Make course images, renditions and documents in the S3 bucket private (per-object ACLs)."

    def handle(self, *args, **options):
        if not isinstance(default_storage, MediaStorage):
            raise CommandError("Media are not on S3 (S3_BUCKET is not set): nothing to do.")
        if not default_storage.default_acl:
            raise CommandError(
                "Media objects carry no ACL here (S3_MEDIA_ACL is empty): the bucket policy decides who reads "
                "them; it must leave out media/original_images/, media/images/ and media/documents/."
            )
        changed = checked_media_privatise(storage=default_storage)
        self.stdout.write(self.style.SUCCESS(f"{changed} objects are private now."))
