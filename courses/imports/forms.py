from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class CourseImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "A Word document (.docx), an EPUB (.epub) or a Common Cartridge (.imscc). "
            "Headings become modules; the course starts as a draft only you and your co-authors see."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.epub,.imscc,.zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB.")
                % {"megabytes": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
            )
        return upload
