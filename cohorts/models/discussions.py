"""Discussions in circles (cohorts.discussions): threads (free, or anchored to a meeting or to a
discussion block of a module), posts, who has read what, who muted which thread, flags, and image attachments.

Posts keep their history's shape: an author's deletion and a facilitator's hiding are marks on the
row, never deletes, so a thread keeps its "deleted" and "hidden" places and a hidden post can be
shown to its author with the reason. ``body_html`` is rendered once, when the post is written (see
``cohorts/discussions/markdown.py``: nothing a person types adds an element or attribute), so a page of posts renders
without running the Markdown parser.
"""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from p2pu.core.object_storage import private_storage

__all__ = ["Post", "PostAttachment", "PostFlag", "PostFlagReason", "Thread", "ThreadMute", "ThreadRead"]


class ThreadQuerySet(models.QuerySet):
    def listed(self):
        """Threads in the order a circle's discussion lists them: pinned first, then the liveliest."""
        return self.order_by("-pinned", F("last_posted_at").desc(), "-pk")

    def search(self, words: str):
        """Threads whose title, or a visible post, contains the words (all of them, anywhere)."""
        queryset = self
        for word in words.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(posts__body__icontains=word, posts__hidden_at__isnull=True, posts__deleted_at__isnull=True)
            )
        return queryset.distinct()


class Thread(models.Model):
    circle = models.ForeignKey("cohorts.Circle", on_delete=models.CASCADE, related_name="discussion_threads")
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_posted_at = models.DateTimeField(default=timezone.now, help_text=_("When the newest post was written."))
    post_count = models.PositiveIntegerField(default=0, help_text=_("Posts in the thread, the opening one included."))
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False, help_text=_("A locked thread takes no new posts."))
    # Anchors: a meeting's thread, or the thread under one discussion block of a module, per circle.
    # A meeting dropped from a rescheduled circle leaves its thread (and what people wrote) in place.
    meeting = models.OneToOneField(
        "cohorts.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="discussion_thread"
    )
    module = models.ForeignKey("courses.ModulePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    block_id = models.CharField(max_length=64, blank=True, help_text=_("The discussion block's stream id."))

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_posted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "module", "block_id"],
                condition=~Q(block_id=""),
                name="discussion_thread_once_per_block",
            ),
        ]
        indexes = [models.Index(fields=["circle", "-pinned", "-last_posted_at"], name="discussion_thread_listing")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cohorts:discussions:thread", kwargs={"circle_id": self.circle_id, "thread_id": self.pk})

    @property
    def is_anchored(self) -> bool:
        return self.meeting_id is not None or bool(self.block_id)


class PostQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("created_at", "pk")

    def for_page(self):
        """What rendering a page of posts reads, in one query (attachments are one more)."""
        return self.select_related("author", "hidden_by").prefetch_related("attachments")


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="discussion_posts"
    )
    body = models.TextField(_("message"), max_length=settings.DISCUSSION_POST_MAX_CHARS)
    body_html = models.TextField(editable=False, help_text=_("The body rendered when written; safe by construction."))
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, help_text=_("The author deleted it; the place stays."))
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True, help_text=_("Shown to the post's author."))
    moved_from = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=_("Set by a move.")
    )
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at", "id"], name="discussion_post_order")]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("cohorts:discussions:post", kwargs={"circle_id": self.thread.circle_id, "post_id": self.pk})

    @property
    def html(self) -> str:
        # Safe by construction: markdown.render escapes everything a person typed (tested with hostile input).
        return mark_safe(self.body_html)  # noqa: S308

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ThreadRead(models.Model):
    """How far one person has read one thread: posts after ``seen_at`` are new to them."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    #: The ``seen_at`` before the latest visit, so a reload still shows what was new on arriving.
    previous_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="discussion_read_once")]
        indexes = [models.Index(fields=["user", "thread"], name="discussion_read_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read thread {self.thread_id} until {self.seen_at:%Y-%m-%d %H:%M}"


class ThreadMute(models.Model):
    """One person no longer hears about one thread (the signed one-click link in every e-mail)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="discussion_mute_once")]

    def __str__(self) -> str:
        return f"{self.user_id} muted thread {self.thread_id}"


class PostFlagReason(models.TextChoices):
    UNKIND = "unkind", _("Unkind or disrespectful")
    SPAM = "spam", _("Spam or advertising")
    PRIVATE = "private", _("Shares someone's private information")
    OTHER = "other", _("Something else")


class PostFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class PostFlag(models.Model):
    """A member asking the facilitators (or, for a facilitator's post, site editors) to look at a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=PostFlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PostFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "raised_by"], name="discussion_flag_once")]

    def __str__(self) -> str:
        return f"Flag on post {self.post_id}: {self.get_reason_display()}"


@deconstructible
class PrivateAttachmentStorage(FileSystemStorage):
    """Images attached to posts are private like submitted files: beside MEDIA_ROOT (which DEBUG serves
    to anyone), never inside it, and read only through the members-only view. The location follows
    ``settings.MEDIA_ROOT`` at each use, so tests that move it move this too."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "discussion-attachments")

    @property
    def location(self):
        return self.base_location


def attachment_storage():
    """Object storage's private area when configured (production with S3_BUCKET), else the local disk."""
    return private_storage(folder="discussion-attachments", local=PrivateAttachmentStorage)


def attachment_path(attachment: "PostAttachment", filename: str) -> str:
    # A random folder per upload keeps the file name without clashes or guessable paths.
    return f"{attachment.post.thread.circle_id}/{secrets.token_urlsafe(12)}/{filename}"


class PostAttachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    image = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=300)
    content_type = models.CharField(max_length=50)
    description = models.CharField(_("image description"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return os.path.basename(self.image.name)

    @property
    def filename(self) -> str:
        return os.path.basename(self.image.name)
