"""Refusals made before any view runs, answered in the envelope of the dialect the path
belongs to: bodies over the size limit (DESIGN §9: 413 before parsing) and URLs carrying
NUL characters (no database can look them up; 400)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contacts.api.errors import CODES_BY_STATUS, envelope

Render = Callable[[int, str], HttpResponse]


def _native(status: int, message: str) -> HttpResponse:
    return JsonResponse(envelope(status_code=status, code=CODES_BY_STATUS[status], message=message), status=status)


def _keyed(status: int, message: str) -> HttpResponse:
    return JsonResponse({"replyCode": status, "replyText": message, "data": ""}, status=status)


def _external(status: int, message: str) -> HttpResponse:
    code = {400: "VALIDATION_ERROR", 413: "PAYLOAD_TOO_LARGE"}[status]
    return JsonResponse({"success": False, "error": {"code": code, "message": message, "details": {}}}, status=status)


def _legacy(status: int, message: str) -> HttpResponse:
    code = {400: "INVALID_REQUEST", 413: "PAYLOAD_TOO_LARGE"}[status]
    return JsonResponse({"error": {"code": code, "message": message, "property": None}}, status=status)


ENVELOPES: tuple[tuple[str, Render], ...] = (("/api/v2/", _keyed), ("/external/", _external), ("/api/2.0/", _legacy))


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    render = next((render for prefix, render in ENVELOPES if request.path.startswith(prefix)), _native)
    return render(status, message)


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return refuse(request, 413, f"The request body is larger than {limit} bytes.")
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return refuse(request, 400, "URLs must not contain NUL characters.")
        return self.get_response(request)
