"""The Wagtail editor's forms for courses and modules: only the licences their sources allow are
offered, and a module included verbatim cannot be changed (courses.remix).

The page models name these as ``base_form_class``, so they read a page's sources only through
courses.derivations, which imports no model.
"""

from wagtail.admin.forms import WagtailAdminPageForm

from .derivations import course_resolution, module_resolution, verbatim_link
from .licensing import Licence

#: What stays as its authors wrote it in a module included verbatim.
VERBATIM_FIXED_FIELDS = ("title", "summary", "objectives", "duration_minutes", "licence", "body")


def _allowed_choices(field, resolution, *, inherit_label: str | None = None) -> None:
    if not resolution.ok:
        field.help_text = "Its sources can't be combined: " + "; ".join(resolution.reasons) + "."
        return
    choices = [(licence.value, licence.label) for licence in resolution.allowed]
    if inherit_label:
        choices.insert(0, ("", inherit_label))
    field.choices = choices
    if len(resolution.allowed) < len(Licence):
        field.help_text = "Only the licences its sources allow are offered."


class CoursePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "licence" in self.fields:
            resolution = course_resolution(self.instance)
            if resolution.allowed != tuple(Licence) or not resolution.ok:
                _allowed_choices(self.fields["licence"], resolution)


class ModulePageForm(WagtailAdminPageForm):
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
            self.fields["licence"].help_text = (
                f"Included verbatim from “{original.title}” under {Licence(original.licence).label}: "
                "it stays exactly as its authors wrote it."
            )
            return
        resolution = module_resolution(self.instance)
        if resolution.allowed != tuple(Licence) or not resolution.ok:
            _allowed_choices(self.fields["licence"], resolution, inherit_label="The course's licence")
