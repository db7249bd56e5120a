"""Remix pages on the site: remix a course, use a module in my course, a course's sources, compare
with a source, take upstream changes, and credits in remixes. The remix family is a route of the course
page (courses.models.pages).

Who may do what comes from courses.permissions; writes go through courses.remix.services. A course
or module nobody may see yet (a draft, a private page) answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from p2pu.core.forms import action_submit, form_submit

from .. import permissions
from ..derivations import course_resolution
from ..licensing import Licence, is_allowed
from ..models import CourseCredit, CoursePage, ModulePage
from ..models.remix import Derivation
from . import diff, queries, services
from .forms import ChangesForm, ExternalSourceForm, ModuleImportForm, RemixForm, TranslateForm


def _verify_first(request):
    return render(request, "courses/remix/verify_first.html", status=403)


def _public(model, pk):
    """A live page anyone may read, or 404."""
    return get_object_or_404(model.objects.live().public(), pk=pk)


def _why_fixed(resolution, sources) -> str:
    """Why fewer than all licences are offered, in the words of the first rule that removes one."""
    for licence in Licence:
        if licence not in resolution.allowed:
            return is_allowed(licence, sources)[1]
    return ""


# --- Remix a course -------------------------------------------------------------------------------------


@login_required
def course_remix(request, course_id):
    if not permissions.can_remix(request.user):
        return _verify_first(request)
    source = CoursePage.objects.live().public().filter(pk=course_id).first()
    if source is None:
        draft = get_object_or_404(CoursePage, pk=course_id)
        if not permissions.can_edit_course(user=request.user, course=draft):
            raise Http404
        # Its own authors learn why: only what has been published may be remixed.
        return render(request, "courses/remix/not_published.html", {"course": draft}, status=409)

    plan = services.remix_plan(source=source)
    resolution = plan.resolution()
    context = {"source": source, "resolution": resolution, "modules": [item.module for item in plan.modules]}
    if not resolution.ok:
        return render(request, "courses/remix/refused.html", context, status=400 if request.method == "POST" else 200)

    form = RemixForm(
        request.POST or None,
        allowed=resolution.allowed,
        initial={"title": _("%(title)s (remix)") % {"title": source.title}},
    )
    if request.method == "POST":
        ok, remix = form_submit(
            form,
            lambda data: services.remix_course(
                source=source, user=request.user, licence=data["licence"], title=data["title"]
            ),
        )
        if ok:
            messages.success(
                request,
                _(
                    "“%(title)s” is your draft remix. Change what you like, say what you changed in the change "
                    "note, then submit it for review to publish it."
                )
                % {"title": remix.title},
            )
            return redirect("wagtailadmin_pages:edit", remix.pk)
    context.update(
        form=form,
        fixed=len(resolution.allowed) == 1,
        why=_why_fixed(resolution, plan.sources()) if len(resolution.allowed) < len(Licence) else "",
    )
    return render(request, "courses/remix/remix.html", context)


@login_required
def course_translate(request, course_id):
    """ "Translate this course": a draft copy in another language for the translator to write."""
    if not permissions.can_remix(request.user):
        return _verify_first(request)
    source = CoursePage.objects.live().public().filter(pk=course_id).first()
    if source is None:
        draft = get_object_or_404(CoursePage, pk=course_id)
        if not permissions.can_edit_course(user=request.user, course=draft):
            raise Http404
        return render(request, "courses/remix/not_published.html", {"course": draft}, status=409)
    languages = services.translatable_languages(source)
    refusal = services.translation_refusal(source=source)
    if not refusal and not languages:
        refusal = _("“%(title)s” is already in every language of the site.") % {"title": source.title}
    if refusal:
        status = 400 if request.method == "POST" else 200
        return render(request, "courses/remix/translate_refused.html", {"source": source, "refusal": refusal}, status)
    form = TranslateForm(request.POST or None, languages=languages)
    if request.method == "POST":
        ok, translation = form_submit(
            form,
            lambda data: services.course_translation_create(
                source=source, language=data["language"], user=request.user, title=data["title"], slug=data["slug"]
            ),
        )
        if ok:
            messages.success(
                request,
                _(
                    "“%(title)s” is your draft translation. Translate its text and its modules, then submit it "
                    "for review to publish it."
                )
                % {"title": translation.title},
            )
            return redirect("wagtailadmin_pages:edit", translation.pk)
    return render(request, "courses/remix/translate.html", {"source": source, "form": form})


# --- Use a module in my course ---------------------------------------------------------------------------


@login_required
def module_import(request, module_id):
    if not permissions.can_remix(request.user):
        return _verify_first(request)
    source = _public(ModulePage, module_id)
    course = source.course
    licence = Licence(source.effective_licence)
    courses = permissions.courses_to_add_modules_to(request.user).exclude(pk=course.pk if course else None)
    form = ModuleImportForm(request.POST or None, courses=courses, no_adaptation=licence.no_derivatives)

    def import_into(data):
        if not permissions.can_add_modules(user=request.user, course=data["course"]):
            raise Http404
        return services.module_import(source=source, course=data["course"], user=request.user, kind=data["kind"])

    if request.method == "POST":
        ok, result = form_submit(form, import_into)
        if ok:
            target = form.cleaned_data["course"]
            if result.link.is_verbatim:
                done = _("“%(module)s” is included verbatim in “%(course)s”, as a draft.")
            else:
                done = _("“%(module)s” is added as an adaptation you can edit in “%(course)s”, as a draft.")
            messages.success(request, done % {"module": result.module.title, "course": target.title})
            if target.licence not in result.resolution.allowed:
                options = ", ".join(option.label for option in result.resolution.allowed)
                messages.warning(
                    request,
                    _(
                        "Before “%(course)s” can be published, change its licence to one its sources allow: "
                        "%(licences)s."
                    )
                    % {"course": target.title, "licences": options},
                )
            return redirect("wagtailadmin_pages:edit", result.module.pk)
    return render(
        request,
        "courses/remix/module_import.html",
        {"source": source, "course": course, "licence": licence, "form": form, "has_courses": courses.exists()},
    )


# --- A course's sources ----------------------------------------------------------------------------------


def _course_for_authors(request, course_id) -> CoursePage:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not permissions.can_edit_course(user=request.user, course=course):
        raise Http404
    return course


@login_required
def course_sources(request, course_id):
    course = _course_for_authors(request, course_id)
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    links = list(
        Derivation.objects.of_course(course)
        .select_related("target_page", "source_page", "source_page__live_revision")
        .order_by("target_page__path", "created_at", "pk")
    )
    external_form = ExternalSourceForm(
        request.POST if request.POST.get("action") == "external" else None,
        course=course,
        modules=modules,
        prefix="external",
    )
    if request.method == "POST":
        if request.POST.get("action") == "external":

            def source_add(data):
                target = (
                    course
                    if data["target"] == str(course.pk)
                    else next(module for module in modules if str(module.pk) == data["target"])
                )
                return services.external_source_add(
                    target=target,
                    user=request.user,
                    url=data["url"],
                    title=data["title"],
                    author=data["author"],
                    licence=data["licence"],
                    kind=data["kind"],
                )

            ok, link = form_submit(external_form, source_add)
            if ok:
                messages.success(
                    request,
                    _(
                        "“%(title)s” is now among the sources; the course page names it once the course "
                        "is next published, after review."
                    )
                    % {"title": external_form.cleaned_data["title"]},
                )
                return redirect("courses:remix_sources", course.pk)
        elif request.POST.get("action") == "changes":
            link = next((link for link in links if str(link.pk) == request.POST.get("link")), None)
            if link is None:
                raise Http404
            changes_form = ChangesForm(request.POST)
            if changes_form.is_valid():
                services.derivation_changes_set(derivation=link, changes=changes_form.cleaned_data["changes"])
                messages.success(
                    request,
                    _(
                        "Saved what you changed from “%(title)s”; the course page shows it once the course "
                        "is next published, after review."
                    )
                    % {"title": link.title},
                )
            else:
                messages.error(request, _("Say in a few words what you changed (up to 1000 characters)."))
            return redirect("courses:remix_sources", course.pk)
    rows = [
        {
            "link": link,
            "target": link.target_page,
            "is_course": link.target_page_id == course.pk,
            "upstream": services.upstream_revision(link) is not None,
            "comparable": link.taken_revision_id is not None,
        }
        for link in links
    ]
    resolution = course_resolution(course)
    return render(
        request,
        "courses/remix/sources.html",
        {
            "course": course,
            "rows": rows,
            "resolution": resolution,
            "licence": Licence(course.licence),
            "licence_allowed": course.licence in resolution.allowed,
            "external_form": external_form,
        },
    )


# --- Compare with the source, and upstream changes ------------------------------------------------------


def _link(derivation_id) -> Derivation:
    return get_object_or_404(
        Derivation.objects.select_related("target_page", "target_course", "taken_revision", "source_page"),
        pk=derivation_id,
    )


def derivation_compare(request, derivation_id):
    """The target's text next to the source version it came from (or last took over).

    Anyone may compare a published course or module; its authors compare their latest draft.
    """
    link = _link(derivation_id)
    target = link.target_page.specific
    showing_draft = permissions.can_edit_course(user=request.user, course=link.target_course)
    if showing_draft:
        new = queries.latest_content(target)
    elif type(target).objects.live().public().filter(pk=target.pk).exists():
        new = queries.live_content(target)
    else:
        raise Http404
    if link.taken_revision is None:
        # An external work, or a source deleted since: there is no text here to compare with.
        raise Http404
    if link.source_page is not None and not permissions.admits(request, link.source_page):
        # A source made private since: its text is for its own readers.
        raise Http404
    rows = diff.compare(diff.paragraphs(link.taken_revision.content), diff.paragraphs(new))
    return render(
        request,
        "courses/remix/compare.html",
        {
            "link": link,
            "target": target,
            "rows": rows,
            "changed": diff.has_changes(rows),
            "showing_draft": showing_draft,
        },
    )


@login_required
def derivation_upstream(request, derivation_id):
    link = _link(derivation_id)
    if not permissions.can_edit_course(user=request.user, course=link.target_course):
        raise Http404
    revision = services.upstream_revision(link)
    if request.method == "POST":
        taken = action_submit(
            request,
            lambda: services.upstream_changes_take(derivation=link, user=request.user),
            success=_(
                "The source's changes are in a new draft of “%(title)s”. Review it, then submit it for review to "
                "publish it."
            )
            % {"title": link.target_page.title},
        )
        if not taken:
            return redirect("courses:remix_upstream", link.pk)
        return redirect("wagtailadmin_pages:edit", link.target_page_id)
    rows = []
    if revision is not None and link.taken_revision is not None:
        rows = diff.compare(diff.paragraphs(link.taken_revision.content), diff.paragraphs(revision.content))
    return render(
        request,
        "courses/remix/upstream.html",
        {
            "link": link,
            "course": link.target_course,
            "revision": revision,
            "rows": rows,
            "note": revision.content.get("change_note", "") if revision else "",
        },
    )


# --- Credits in remixes ---------------------------------------------------------------------------------


@login_required
def remix_credits(request):
    credits = CourseCredit.objects.filter(person=request.user).select_related("course").order_by("course__title", "pk")
    return render(request, "courses/remix/credits.html", {"credits": credits})


@login_required
@require_POST
def remix_credit_set(request, credit_id):
    credit = get_object_or_404(CourseCredit.objects.select_related("course", "person"), pk=credit_id)
    if credit.person_id != request.user.pk:
        raise Http404
    opted_out = request.POST.get("opted_out") == "1"
    services.credit_opt_out_set(credit=credit, opted_out=opted_out)
    if opted_out:
        messages.success(
            request,
            _("Remixes of “%(title)s” now credit you as “an earlier contributor”.") % {"title": credit.course.title},
        )
    else:
        messages.success(request, _("Remixes of “%(title)s” now credit you by name.") % {"title": credit.course.title})
    return redirect("courses:remix_credits")
