from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from p2pu.core.forms import form_submit
from p2pu.core.jobs import enqueue_after_commit

from .forms import AccountDeleteForm, ProfileForm
from .models import DataExport
from .services import account_delete as services_account_delete
from .services import (
    account_deletion_blockers,
    data_export_link,
    data_export_resolve,
    preferred_language_set,
    profile_update,
)


def profile(request, username):
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    person = get_object_or_404(
        get_user_model().objects.annotate(confirmed=Exists(confirmed)), username=username, is_active=True
    )
    # An account nobody has confirmed an address for may be a throwaway impersonating someone: not public.
    if not person.confirmed and person != request.user:
        raise Http404("No such person")
    return render(request, "accounts/profile.html", {"person": person})


@login_required
def profile_edit(request):
    # Only ever the signed-in person's own profile: no URL names whose profile to edit.
    form = ProfileForm.for_user(request.user, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile_edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def settings_index(request):
    return render(request, "accounts/settings.html")


@login_required
@reauthentication_required(allow_get=True)
def account_delete(request):
    """Delete my account: what happens, the blockers, then (after signing in again recently) the deletion."""
    blockers = account_deletion_blockers(user=request.user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not blockers:
        deleted, _result = form_submit(
            form,
            lambda data: services_account_delete(user=request.user, keep_credit_names=form.keep_credit_names),
        )
        if deleted:
            logout(request)
            messages.success(request, _("Your account has been deleted. Thank you for learning with us."))
            return redirect("/")
    return render(request, "accounts/account_delete.html", {"form": form, "blockers": blockers})


@login_required
def data_export(request):
    """Download my data: ask for a new ZIP (built in the background), or fetch the one ready."""
    if request.method == "POST":
        enqueue_after_commit("p2pu.accounts.tasks.data_export_build", request.user.pk)
        messages.success(
            request, _("We are gathering your data. You will get a notification with the download link soon.")
        )
        return redirect("accounts:data_export")
    ready = DataExport.objects.filter(user=request.user).first()
    link = data_export_link(ready) if ready else None
    return render(request, "accounts/data_export.html", {"ready": ready, "link": link})


@login_required
def data_export_download(request, token: str):
    """The ZIP behind a signed, expiring link, for its owner only (anyone else, or a stale link: 404)."""
    export = data_export_resolve(token=token, user=request.user)
    if export is None or not export.file:
        raise Http404("No such download")
    name = f"my-data-{export.created_at:%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip")


def _csrf_refusal(request):
    """CsrfViewMiddleware's answer to this request: None when its token checks out, else the 403."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


@csrf_exempt
def language_set(request):
    """The footer's language switcher: Django's ``set_language`` (the language cookie, back to ``next``),
    and for a signed-in person their profile's interface language too.

    Exempt from the CSRF middleware so that anonymous pages, which carry the switcher in their footer,
    hold no CSRF token and stay in the page cache; a cookie that names a language is all an anonymous
    request can change. Saving a signed-in person's profile still requires the token.
    """
    if request.method == "POST" and request.user.is_authenticated:
        refusal = _csrf_refusal(request)
        if refusal is not None:
            return refusal
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        preferred_language_set(user=request.user, language=language)
    return response
