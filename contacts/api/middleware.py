"""Refuse request bodies over the limit before anything parses them (DESIGN §9: body limit),
answering 413 in the envelope of the dialect the path belongs to."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contacts.api.errors import envelope

LIMIT_TEXT = "The request body is larger than {limit} bytes."


def _native(message: str) -> HttpResponse:
    return JsonResponse(envelope(status_code=413, code="PAYLOAD_TOO_LARGE", message=message), status=413)


def _keyed(message: str) -> HttpResponse:
    return JsonResponse({"replyCode": 413, "replyText": message, "data": ""}, status=413)


def _external(message: str) -> HttpResponse:
    body = {"success": False, "error": {"code": "PAYLOAD_TOO_LARGE", "message": message, "details": {}}}
    return JsonResponse(body, status=413)


def _legacy(message: str) -> HttpResponse:
    return JsonResponse({"error": {"code": "PAYLOAD_TOO_LARGE", "message": message, "property": None}}, status=413)


ENVELOPES: tuple[tuple[str, Callable[[str], HttpResponse]], ...] = (
    ("/api/v2/", _keyed),
    ("/external/", _external),
    ("/api/2.0/", _legacy),
)


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            render = next((render for prefix, render in ENVELOPES if request.path.startswith(prefix)), _native)
            return render(LIMIT_TEXT.format(limit=limit))
        return self.get_response(request)
