from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .forms import ProfileForm
from .services import profile_update


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
        messages.success(request, "Your profile has been saved.")
        return redirect("accounts:profile_edit")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def settings_index(request):
    return render(request, "accounts/settings.html")
