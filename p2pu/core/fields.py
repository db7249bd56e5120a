"""Form fields and a model helper that store people's text cleaned (see p2pu.core.text)."""

from collections.abc import Iterable

from django import forms

from .text import multi_line, one_line


class OneLineTextField(forms.CharField):
    """A name or one-line text: without line breaks, control characters or bidirectional overrides."""

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if value else value


class MultiLineTextField(forms.CharField):
    """A longer text: its lines kept, without other control characters or bidirectional overrides."""

    def to_python(self, value):
        value = super().to_python(value)
        return multi_line(value) if value else value


def model_texts_clean(instance, *, one_line_fields: Iterable[str] = (), multi_line_fields: Iterable[str] = ()) -> None:
    """The same cleaning in a model's ``clean()``, for writes that come through a service, not a form."""
    for name in one_line_fields:
        setattr(instance, name, one_line(getattr(instance, name) or ""))
    for name in multi_line_fields:
        setattr(instance, name, multi_line(getattr(instance, name) or ""))
