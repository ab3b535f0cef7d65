"""Refusals made before any view runs, answered in the envelope of the dialect the path
belongs to: bodies over the size limit (DESIGN §9: 413 before parsing) and URLs carrying
NUL characters (no database can look them up; 400)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contacts.dialects.external.views import REFUSALS as EXTERNAL
from contacts.dialects.keyed.views import REFUSALS as KEYED
from contacts.dialects.legacy.views import REFUSALS as LEGACY
from contacts.dialects.native.errors import REFUSALS as NATIVE

#: Checked in order; the native dialect answers every other path.
DIALECTS = (KEYED, EXTERNAL, LEGACY)


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    refusals = next((dialect for dialect in DIALECTS if request.path.startswith(dialect.prefix)), NATIVE)
    return JsonResponse(refusals.body(status, message), status=status)


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
