"""The Wagtail editor's forms for courses and modules: only the licences their sources allow are
offered, and a module included verbatim cannot be changed (courses.remix).

The page models name these as ``base_form_class``, so they read a page's sources only through
courses.derivations, which imports no model. For the same reason, what a person may choose (images,
rubrics) reaches them through ``ChosenContentCheck``'s callables, installed in ``CoursesConfig.ready()``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .derivations import course_resolution, module_resolution, translated_from, verbatim_link
from .licensing import Licence

#: What stays as its authors wrote it in a module included verbatim.
VERBATIM_FIXED_FIELDS = ("title", "summary", "objectives", "duration_minutes", "licence", "body")


def _allowed_choices(field, resolution, *, inherit_label: str | None = None) -> None:
    if not resolution.ok:
        field.help_text = gettext("Its sources can't be combined: %(reasons)s.") % {
            "reasons": "; ".join(str(reason) for reason in resolution.reasons)
        }
        return
    choices = [(licence.value, licence.label) for licence in resolution.allowed]
    if inherit_label:
        choices.insert(0, ("", inherit_label))
    field.choices = choices
    if len(resolution.allowed) < len(Licence):
        field.help_text = gettext("Only the licences its sources allow are offered.")


def _image_refusal() -> str:
    return gettext("Choose an image from this course's own images: this one belongs elsewhere.")


def _rubric_refusal() -> str:
    return gettext("Choose one of this course's rubrics or a site-wide rubric: this one belongs to another course.")


class ChosenContentCheck:
    """Images and rubrics are chosen by id, and a posted id need not come from the chooser: each one
    new to the page must be one the person may choose, so nobody shows (or follows the later edits
    of) another course's unpublished image or rubric. What the page already holds stays, as a remix
    keeps its source's images."""

    #: ``user -> queryset`` of the images and rubrics a person may choose; set in CoursesConfig.ready().
    images_choosable_by = None
    rubrics_choosable_by = None

    def _unchoosable(self, choosable_by, ids: set[int]) -> set[int]:
        if not ids:
            return set()
        allowed = choosable_by(self.for_user).filter(pk__in=ids).values_list("pk", flat=True)
        return ids - set(allowed)


def _chosen_in_body(raw_items) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(block index, image id) and (block index, rubric id) pairs of a module body's stream data."""
    images, rubrics = [], []
    for index, item in enumerate(raw_items):
        value = item.get("value") or {}
        if item.get("type") == "image" and value.get("image"):
            images.append((index, int(value["image"])))
        elif item.get("type") == "activity" and value.get("rubric"):
            rubrics.append((index, int(value["rubric"])))
    return images, rubrics


class CoursePageForm(ChosenContentCheck, WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "licence" in self.fields:
            source = translated_from(self.instance)
            if source is not None:
                # A translation is published under the licence of the course it translates.
                licence = Licence(source.licence)
                self.fields["licence"].choices = [(licence.value, licence.label)]
                self.fields["licence"].help_text = gettext(
                    "A translation keeps the licence of the course it translates."
                )
                return
            resolution = course_resolution(self.instance)
            if resolution.allowed != tuple(Licence) or not resolution.ok:
                _allowed_choices(self.fields["licence"], resolution)

    def clean(self):
        cleaned_data = super().clean()
        cover = cleaned_data.get("cover_image")
        # The instance still holds the saved version here: the form's values are applied after clean().
        new_cover = cover is not None and cover.pk != self.instance.cover_image_id
        if new_cover and self._unchoosable(self.images_choosable_by, {cover.pk}):
            self.add_error("cover_image", _image_refusal())
        return cleaned_data


class ModulePageForm(ChosenContentCheck, WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            return
        original = verbatim_link(self.instance)
        if original is not None:
            for name in VERBATIM_FIXED_FIELDS:
                if name in self.fields:
                    # Disabled fields keep their saved value whatever is submitted.
                    self.fields[name].disabled = True
            self.fields["licence"].help_text = gettext(
                "Included verbatim from “%(title)s” under %(licence)s: it stays exactly as its authors wrote it."
            ) % {"title": original.title, "licence": Licence(original.licence).label}
            return
        resolution = module_resolution(self.instance)
        if resolution.allowed != tuple(Licence) or not resolution.ok:
            _allowed_choices(self.fields["licence"], resolution, inherit_label=gettext("The course's licence"))

    def clean(self):
        cleaned_data = super().clean()
        body = cleaned_data.get("body")
        if body is None or "body" not in self.fields or self.fields["body"].disabled:
            return cleaned_data
        images, rubrics = _chosen_in_body(body.get_prep_value())
        saved_images, saved_rubrics = _chosen_in_body(self.instance.body.get_prep_value() if self.instance.body else [])
        kept_images = {pk for _, pk in saved_images}
        kept_rubrics = {pk for _, pk in saved_rubrics}
        bad_images = self._unchoosable(self.images_choosable_by, {pk for _, pk in images} - kept_images)
        bad_rubrics = self._unchoosable(self.rubrics_choosable_by, {pk for _, pk in rubrics} - kept_rubrics)
        block_errors = {}
        for index, pk in images:
            if pk in bad_images:
                block_errors[index] = StructBlockValidationError(
                    block_errors={"image": ValidationError(_image_refusal())}
                )
        for index, pk in rubrics:
            if pk in bad_rubrics:
                block_errors[index] = StructBlockValidationError(
                    block_errors={"rubric": ValidationError(_rubric_refusal())}
                )
        if block_errors:
            self.add_error("body", StreamBlockValidationError(block_errors=block_errors))
        return cleaned_data
