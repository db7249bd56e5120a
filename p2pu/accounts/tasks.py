from celery import shared_task

from .models import User
from .services import data_export_build, data_exports_expire


@shared_task(name="p2pu.accounts.tasks.data_export_build")
def build_data_export(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        data_export_build(user=user)


@shared_task(name="p2pu.accounts.tasks.expire_data_exports")
def expire_data_exports() -> int:
    return data_exports_expire()
