"""The native error envelope: ``{"status", "code", "message", "errors"}``.

One exception handler builds every native error (DESIGN §5.1), keeping the
``WWW-Authenticate`` and ``Retry-After`` headers DRF sets. ``errors`` maps JSON Pointers
(RFC 6901) into the request body to lists of messages.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    411: "LENGTH_REQUIRED",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "THROTTLED",
    500: "SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class NativeError(exceptions.APIException):
    """An API error with an explicit envelope code (e.g. MISSING_ORGANIZATION_ID)."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.envelope_code = code
        self.errors = errors or {}
        self.extra = extra or {}


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{json_pointer: [messages]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            token = "" if key in ("non_field_errors", "__all__") else "/" + escape_pointer_token(str(key))
            for pointer, messages in pointer_errors(value, prefix + token).items():
                flat.setdefault(pointer, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix: [str(item) for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            for pointer, messages in pointer_errors(item, f"{prefix}/{index}").items():
                flat.setdefault(pointer, []).extend(messages)
        return flat
    return {prefix: [str(detail)]}


def summarize(errors: dict[str, list[str]]) -> str:
    count = sum(len(messages) for messages in errors.values())
    if count == 1:
        pointer, messages = next(iter(errors.items()))
        return f"{pointer or 'Request'}: {messages[0]}"
    return f"The request has {count} problems."


def envelope(
    *, status_code: int, code: str, message: str, errors: dict[str, list[str]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"status": status_code, "code": code, "message": message, "errors": errors or {}, **extra}


def native_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (for headers and 404/403 translation), re-shaped into the envelope."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    if isinstance(exc, NativeError):
        response.data = envelope(
            status_code=status_code,
            code=exc.envelope_code,
            message=str(exc.detail),
            errors=exc.errors,
            **exc.extra,
        )
    elif isinstance(exc, exceptions.ValidationError):
        errors = pointer_errors(exc.detail)
        response.data = envelope(
            status_code=status_code, code="VALIDATION_ERROR", message=summarize(errors), errors=errors
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = envelope(
            status_code=status_code,
            code=CODES_BY_STATUS.get(status_code, "ERROR"),
            message=str(detail),
        )
    return response


def missing_organization_error() -> NativeError:
    return NativeError(
        status_code=status.HTTP_401_UNAUTHORIZED,
        code="MISSING_ORGANIZATION_ID",
        message="Missing Organization Id",
    )


def missing_contact_error() -> NativeError:
    return NativeError(status_code=status.HTTP_404_NOT_FOUND, code="MISSING_CONTACT_ID", message="Missing Contact Id")


def refusal_status_and_headers(exc: exceptions.APIException, request) -> tuple[int, dict[str, str]]:
    """Status and headers of a DRF refusal in any dialect's envelope: missing or wrong
    credentials are a 401 with the view's first ``WWW-Authenticate`` challenge; throttling
    keeps ``Retry-After``."""
    status_code, headers = exc.status_code, {}
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        status_code = status.HTTP_401_UNAUTHORIZED
        authenticators = getattr(request, "authenticators", None)
        if authenticators:
            headers["WWW-Authenticate"] = authenticators[0].authenticate_header(request)
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return status_code, headers
