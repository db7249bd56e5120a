"""A rate-limit refusal that reaches the top of a view: HTTP 429 with the refusal's words, never a 500."""

from django.http import JsonResponse
from django.shortcuts import render

from .rate_limits import RateLimited


def wants_json(request) -> bool:
    return request.accepts("application/json") and not request.accepts("text/html")


class RateLimitedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        if wants_json(request):
            response = JsonResponse({"errors": exception.messages}, status=429)
        else:
            response = render(request, "429.html", {"refusal": " ".join(exception.messages)}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
