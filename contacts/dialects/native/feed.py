"""The change feed, ``GET /rest/changes/{organizationId}`` (DESIGN §11): every applied
change of the organization as an event, oldest first, from an opaque cursor.

Following ``nextCursor`` sees each change exactly once: each read serves history ids only up
to the organization's settled id (``contacts.services.history``), so a change still
committing with a lower id is never passed. ``?wait=`` holds the request until something new
commits (at most 30 s).
"""

import base64
import binascii
import time

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.api.access import OrganizationScopedMixin
from contacts.dialects.native import wire
from contacts.dialects.native.serializers import ChangeEventSerializer, ChangeFeedSerializer
from contacts.selectors import changes_after
from contacts.services import EVENT_TYPES, settled_change_ids

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_WAIT_SECONDS = 30
POLL_SECONDS = 0.25
#: Rows read per request at most when a field filter skips many of them.
SCAN_LIMIT = 10_000
MODES_BY_TYPE = {kind: {mode for mode, type_ in EVENT_TYPES.items() if type_ == kind} for kind in EVENT_TYPES.values()}
CURSOR_PREFIX = "c1:"


def encode_cursor(change_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{change_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ParseError("after: not a cursor this feed gave out.") from error
    number = text.removeprefix(CURSOR_PREFIX)
    if not text.startswith(CURSOR_PREFIX) or not (number.isascii() and number.isdigit()):
        raise ParseError("after: not a cursor this feed gave out.")
    return int(number)


def _bounded_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ParseError(f"{name}: must be an integer from {low} to {high}.")
    return int(raw)


def _names(request: Request, name: str, allowed: set[str]) -> set[str] | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    names = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = sorted(names - allowed)
    if unknown or not names:
        raise ParseError(f"{name}: unknown {', '.join(unknown) or 'value'}; one of {', '.join(sorted(allowed))}.")
    return names


class ChangeFeedView(OrganizationScopedMixin, generics.GenericAPIView):
    """Every change of the organization's contacts, oldest first, from a cursor."""

    serializer_class = ChangeFeedSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, description="The nextCursor of the previous answer."),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, description="Default 100."
            ),
            OpenApiParameter(
                "types",
                OpenApiTypes.STR,
                description="Comma-separated event types: contact.created, contact.updated, contact.deleted.",
            ),
            OpenApiParameter(
                "fields", OpenApiTypes.STR, description="Comma-separated native field names: only changes naming one."
            ),
            OpenApiParameter(
                "wait",
                {"type": "integer", "minimum": 0, "maximum": MAX_WAIT_SECONDS},
                description="Seconds to wait for a change when there is none yet (long poll).",
            ),
        ]
    )
    def get(self, request: Request, organization_id: str) -> Response:
        cursor = decode_cursor(request.query_params["after"]) if request.query_params.get("after") else 0
        limit = _bounded_int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        wait = _bounded_int(request, "wait", 0, 0, MAX_WAIT_SECONDS)
        types = _names(request, "types", set(MODES_BY_TYPE))
        fields = _names(request, "fields", set(wire.TOP_LEVEL))
        modes = None if types is None else {mode for kind in types for mode in MODES_BY_TYPE[kind]}
        deadline = time.monotonic() + wait
        while True:
            events, cursor = self._read(cursor, limit, modes, fields)
            if events or time.monotonic() >= deadline:
                return Response({"changes": events, "nextCursor": encode_cursor(cursor)})
            time.sleep(POLL_SECONDS)

    def _read(self, cursor: int, limit: int, modes: set[str] | None, fields: set[str] | None) -> tuple[list, int]:
        """Up to ``limit`` events after ``cursor`` and the id read up to (past changes a
        field filter skipped, so that the next request does not read them again)."""
        events: list[dict] = []
        scanned = 0
        settled = settled_change_ids({self.organization.pk: cursor})[self.organization.pk]
        while len(events) < limit and scanned < SCAN_LIMIT:
            rows = changes_after(self.organization, cursor, settled, limit if fields is None else MAX_LIMIT, modes)
            for row in rows:
                event = ChangeEventSerializer(row).data
                scanned += 1
                if fields is None or fields & set(event["changes"]):
                    events.append(event)
                cursor = row.pk
                if len(events) == limit:
                    break
            if len(rows) < (limit if fields is None else MAX_LIMIT):
                break
        return events, cursor
