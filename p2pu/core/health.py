"""Health endpoints for a load balancer: /healthz (the process answers) and /readyz (it can serve)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .monitoring import readiness, task_summary


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: touches nothing but the process itself, so a slow database never gets it restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: database, cache and broker reachable and every migration applied; 503 and the detail if not.

    The Celery queue length and recent task failures ride along for an operator; they don't decide readiness.
    """
    ready, checks = readiness()
    body = {"status": "ready" if ready else "not ready", "checks": checks, "tasks": task_summary()}
    return JsonResponse(body, status=200 if ready else 503)
