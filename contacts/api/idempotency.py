"""``Idempotency-Key`` on every REST write (DESIGN §10).

A client that timed out cannot know whether its write was applied. Sent again with the same
key, the write is not applied twice: the first answer comes back, marked
``Idempotent-Replayed: true``. Keys belong to whoever sent them (an API key or a staff user)
in one organization and live for 24 hours. The answer is stored in the transaction of the
change itself, so a record exists exactly when the change committed.

Concurrency: on PostgreSQL a transaction-scoped advisory lock on the key answers a retry
that arrives while the first request still runs with 409 at once; on any database the
unique constraint on the key is the last word (the loser's transaction, change included,
rolls back and answers 409). SQLite transactions start ``IMMEDIATE``, so there the retry
waits for the first request and then gets its answer.
"""

import functools
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.request import Request

from contacts.api.errors import NativeError
from contacts.auth.principal import request_api_key
from contacts.models import IdempotencyRecord, Organization

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
LIFETIME = timedelta(hours=24)
#: Headers of the first answer that a replay repeats.
KEPT_HEADERS = ("Content-Type", "ETag", "Location")
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]{1,255}")
TRUE_FLAGS = frozenset({"1", "true", "yes"})
FALSE_FLAGS = frozenset({"", "0", "false", "no"})

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
    OpenApiParameter.HEADER,
    description=(
        "Makes the write safe to retry: the same key with the same request answers the first answer "
        "(`Idempotent-Replayed: true`) and applies nothing; kept 24 hours per API key."
    ),
)


def dry_run_parameter(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.BOOL,
        description="Run the whole change and undo it: answer what it would do; keep nothing.",
    )


class IdempotencyRefused(NativeError):
    """A key that cannot be honoured. Each dialect names the ``envelope_code`` in its own
    envelope (keyed: its reply codes)."""


def key_invalid() -> IdempotencyRefused:
    return IdempotencyRefused(
        status_code=status.HTTP_400_BAD_REQUEST,
        code="INVALID_IDEMPOTENCY_KEY",
        message=f"{HEADER} must be 1 to 255 printable ASCII characters.",
    )


def key_reused() -> IdempotencyRefused:
    return IdempotencyRefused(
        status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        code="IDEMPOTENCY_KEY_REUSED",
        message=f"This {HEADER} was used for a different request; use a new key.",
    )


def key_in_use() -> IdempotencyRefused:
    return IdempotencyRefused(
        status_code=status.HTTP_409_CONFLICT,
        code="IDEMPOTENCY_KEY_IN_USE",
        message=f"A request with this {HEADER} is still being processed; retry later.",
    )


def query_flag(request: Request, name: str) -> bool:
    """A boolean query parameter such as ``?validateOnly=true``. Anything but true/false,
    1/0 or yes/no is refused: a misspelt ``validateOnly`` must not run a real write."""
    value = request.query_params.get(name, "").lower()
    if value not in TRUE_FLAGS | FALSE_FLAGS:
        raise ParseError(f"The query parameter {name!r} must be true or false (1 or 0).")
    return value in TRUE_FLAGS


def is_kept(status_code: int) -> bool:
    """2xx and 4xx answers are the request's answer; 5xx may not be, and 401 and 429 say
    nothing about the request itself (DESIGN §10)."""
    return 200 <= status_code < 500 and status_code not in (401, 429)


def fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.META.get("QUERY_STRING", "").encode()):
        digest.update(part + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def owner_of(request: Request) -> str:
    api_key = request_api_key(request)
    return f"api_key:{api_key.pk}" if api_key is not None else f"user:{request.user.pk}"


def purge_expired(organization: Organization | None = None) -> int:
    """Delete records past their 24 hours (all, or one organization's); returns how many."""
    expired = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now())
    if organization is not None:
        expired = expired.filter(organization=organization)
    deleted, _ = expired.delete()
    return deleted


def _try_lock(organization: Organization, owner: str, key: str) -> bool:
    """PostgreSQL: a transaction-scoped advisory lock on the key, without waiting."""
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"{organization.pk}\0{owner}\0{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])
        return cursor.fetchone()[0]


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


def idempotent(dry_run_flag: str | None = None) -> Callable:
    """Decorates a write handler of a DRF view whose ``organization`` names the tenant.
    Requests without the header, and dry runs (``dry_run_flag`` set in the query), which
    keep nothing, run as they are."""

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def handle(view, request: Request, *args, **kwargs) -> HttpResponse:
            key = request.headers.get(HEADER)
            if key is not None and not PRINTABLE_ASCII.fullmatch(key):
                raise key_invalid()
            if key is None or (dry_run_flag is not None and query_flag(request, dry_run_flag)):
                return handler(view, request, *args, **kwargs)
            organization, owner, print_ = view.organization, owner_of(request), fingerprint(request)
            with transaction.atomic():
                if not _try_lock(organization, owner, key):
                    raise key_in_use()
                now = timezone.now()
                record = IdempotencyRecord.objects.filter(
                    organization=organization, owner=owner, key=key, expires_at__gt=now
                ).first()
                if record is not None:
                    if record.fingerprint != print_:
                        raise key_reused()
                    return _replay(record)
                try:
                    response = handler(view, request, *args, **kwargs)
                except Exception as exc:  # answered as the view would; unknown ones re-raise
                    response = view.handle_exception(exc)
                if is_kept(response.status_code):
                    response = view.finalize_response(request, response, *args, **kwargs)
                    response.render()
                    _store(response, organization=organization, owner=owner, key=key, fingerprint=print_, at=now)
                return response

        handle.idempotent = True
        parameters = [KEY_PARAMETER] + ([dry_run_parameter(dry_run_flag)] if dry_run_flag else [])
        return extend_schema(parameters=parameters)(handle)

    return decorate


def _store(response: HttpResponse, *, organization: Organization, owner: str, key: str, fingerprint: str, at) -> None:
    """Keep the answer; if another request stored this key first, this one loses: raising
    here rolls its whole transaction back, change included."""
    purge_expired(organization)
    try:
        # No savepoint: a failed INSERT ends the transaction, change included.
        IdempotencyRecord.objects.create(
            organization=organization,
            owner=owner,
            key=key,
            fingerprint=fingerprint,
            status=response.status_code,
            headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
            body=response.content,
            created_at=at,
            expires_at=at + LIFETIME,
        )
    except IntegrityError as error:
        raise key_in_use() from error
