"""Answers made outside the views, in the envelope of the dialect the path belongs to:
refusals before any view runs (bodies over the size limit, DESIGN §9: 413 before parsing;
chunked bodies without a length, 411; URLs carrying NUL characters, 400), and a database
that cannot be reached while a view runs (503 with ``Retry-After``, never a 500 and never
the database's own message)."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from contacts.dialects.external.views import REFUSALS as EXTERNAL
from contacts.dialects.keyed.views import REFUSALS as KEYED
from contacts.dialects.legacy.views import REFUSALS as LEGACY
from contacts.dialects.native.errors import REFUSALS as NATIVE
from contacts.dialects.refusals import RETRY_AFTER_SECONDS, UNAVAILABLE, Refusals

logger = logging.getLogger(__name__)

#: Checked in order; the native dialect answers every other API path.
DIALECTS = (KEYED, EXTERNAL, LEGACY)
API_PREFIXES = ("/rest", "/api", "/external")


def refusals_for(path: str) -> Refusals:
    return next((dialect for dialect in DIALECTS if path.startswith(dialect.prefix)), NATIVE)


def dialect_of(path: str) -> str:
    """The dialect a path belongs to, for logs and metrics: a dialect's name, ``admin``,
    ``api`` (schema, docs, probes) or ``other``."""
    if path.startswith(API_PREFIXES):
        dialect = refusals_for(path)
        return dialect.name if dialect is not NATIVE or path.startswith("/rest") else "api"
    return "admin" if path.startswith("/admin") else "other"


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return JsonResponse(refusals_for(request.path).body(status, message), status=status)


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
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and "CONTENT_LENGTH" not in request.META:
            # The request handler would read such a body as empty: refuse rather than misread it.
            return refuse(request, 411, "Send the body with a Content-Length header (chunked bodies are not read).")
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return refuse(request, 400, "URLs must not contain NUL characters.")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with ``Retry-After`` in its
    dialect's envelope (plain text outside the API); the cause is logged, not answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s", request.method, request.path, exc_info=exception)
        if request.path.startswith(API_PREFIXES):
            response = refuse(request, 503, UNAVAILABLE)
        else:
            response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
