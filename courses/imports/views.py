"""/courses/start/import/: start a draft course from a file (people who may start a course)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from .. import permissions
from .archives import ImportRefused
from .forms import CourseImportForm
from .services import course_import


@login_required
def course_import_view(request):
    if not permissions.can_start_course(request.user):
        return render(request, "courses/authoring/verify_first.html", status=403)
    form = CourseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            course = course_import(user=request.user, filename=upload.name, data=upload.read())
        except ImportRefused as refusal:
            form.add_error("file", str(refusal))
        except ValidationError as refusal:
            form.add_error("file", " ".join(refusal.messages))
        else:
            modules = course.get_children_count()
            messages.success(
                request,
                ngettext(
                    "“%(title)s” is a draft with %(count)d module: check it, then submit it.",
                    "“%(title)s” is a draft with %(count)d modules: check it, then submit it.",
                    modules,
                )
                % {"title": course.title, "count": modules},
            )
            return redirect("wagtailadmin_pages:edit", course.pk)
    return render(request, "courses/imports/import.html", {"form": form}, status=400 if form.errors else 200)
