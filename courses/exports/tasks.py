"""Celery task that builds an export: fetches the row by id and hands over to the service."""

from celery import shared_task

from . import services


@shared_task
def build_export(export_id: int) -> None:
    services.export_build(export_id=export_id)
