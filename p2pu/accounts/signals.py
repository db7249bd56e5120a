"""Thin receivers: they hand over to services."""

from .services import welcome_send


def welcome_on_first_confirmation(sender, request, email_address, **kwargs):
    welcome_send(user=email_address.user)
