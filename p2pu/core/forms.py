"""The one way a view runs a form through a service: validate, call, and show the service's refusal."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError

from .middleware import wants_json
from .rate_limits import RateLimited


def service_errors_apply(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_submit(form, action: Callable[[dict], Any]) -> tuple[bool, Any]:
    """Validate ``form``, then call ``action(form.cleaned_data)``.

    Returns ``(True, what the action returned)``, or ``(False, None)`` with the errors on the form,
    whether the form itself or the service refused. Nothing is written when either refuses, since
    services validate before they write.
    """
    if not form.is_valid():
        return False, None
    try:
        return True, action(form.cleaned_data)
    except ValidationError as error:
        service_errors_apply(form, error)
        return False, None


def refusal_show(request, error: ValidationError) -> None:
    """A service's refusal as a message on the next page; a JSON client refused by a rate limit gets
    HTTP 429 instead (the error goes on to RateLimitedMiddleware)."""
    if isinstance(error, RateLimited) and wants_json(request):
        raise error
    messages.error(request, " ".join(error.messages))


def action_submit(request, action: Callable[[], Any], *, success: str) -> bool:
    """Run a form-less action (a button): a message saying it worked, or the service's refusal."""
    try:
        action()
    except ValidationError as error:
        refusal_show(request, error)
        return False
    messages.success(request, success)
    return True
