"""Writes for remixing: a course remixed, a module imported, an external work added as a source,
upstream changes taken over, credits left out of derivatives, and what publishing a derived work
records. Keyword arguments only.

Like courses.services, these do not check who is asking (views do, through courses.permissions);
they keep the domain's rules: only published versions are copied, the source is never written
to, and every licence outcome comes from courses.licensing.
"""

from .credits import credit_opt_out_set
from .imports import ImportResult, module_import, module_import_resolution
from .publishing import published_changes_record, upstream_published_notify
from .remixing import RemixPlan, remix_course, remix_plan
from .sources import derivation_changes_set, derivations_review_publish, external_source_add
from .translating import (
    course_translation_create,
    course_translation_link,
    translatable_languages,
    translation_refusal,
)
from .upstream import upstream_changes_take, upstream_revision

__all__ = [
    "ImportResult",
    "RemixPlan",
    "course_translation_create",
    "course_translation_link",
    "credit_opt_out_set",
    "derivation_changes_set",
    "derivations_review_publish",
    "external_source_add",
    "module_import",
    "module_import_resolution",
    "published_changes_record",
    "remix_course",
    "remix_plan",
    "translatable_languages",
    "translation_refusal",
    "upstream_changes_take",
    "upstream_published_notify",
    "upstream_revision",
]
