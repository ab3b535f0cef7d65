"""How a dialect says no, declared once per dialect and used everywhere it must answer:
by its views (one exception-handling path for every dialect whose envelope is not DRF's) and
before any view runs (body limit, unusable URL; ``contacts.dialects.middleware``).

A dialect states its ``Refusals``: the URL prefix it owns, the envelope of a plain refusal
(status and message → body), and how its own exceptions translate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response

from contacts.api.errors import refusal_status_and_headers

#: Seconds a client is told to wait when the database cannot be reached (503).
RETRY_AFTER_SECONDS = 10
UNAVAILABLE = "The service is temporarily unavailable; retry later."

#: (status, message) → the dialect's error body.
Body = Callable[[int, str], dict[str, Any]]
#: A dialect's own exception → (status, body), or None when it is not one of its own.
Translate = Callable[[Exception], tuple[int, dict[str, Any]] | None]


def _none(exc: Exception) -> None:
    return None


@dataclass(frozen=True)
class Refusals:
    name: str
    prefix: str
    body: Body
    translate: Translate = _none

    def handle(self, exc: Exception, context: dict) -> Response:
        """The views' exception handler: the dialect's own errors, then DRF's refusals
        (credentials, scope, throttling, parsing) with their status and headers."""
        translated = self.translate(exc)
        if translated is not None:
            status, body = translated
            return Response(body, status=status)
        if not isinstance(exc, exceptions.APIException):
            raise exc
        status, headers = refusal_status_and_headers(exc, context["request"])
        return Response(self.body(status, str(exc.detail)), status=status, headers=headers)


class RefusingView:
    """Mixin for a dialect's base view: its refusals answer every error of its views."""

    refusals: Refusals

    def get_exception_handler(self) -> Callable[[Exception, dict], Response]:
        return self.refusals.handle
