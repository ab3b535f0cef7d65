"""One structured log line and three Prometheus series per request, labelled by dialect.

The log line (logger ``contacts.requests``, JSON) carries the request id (the client's
``X-Request-ID`` when it is a sane token, else a new one, echoed in the answer), the
organization and API key, the dialect, status, duration and the number of SQL queries.
"""

import ipaddress
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

from contacts.auth.principal import ApiKeyUser
from contacts.dialects.middleware import dialect_of
from contacts.models import ApiKey

logger = logging.getLogger("contacts.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

REQUESTS = Counter(
    "contacts_http_requests_total",
    "HTTP requests answered, by dialect, method and status.",
    ["dialect", "method", "status"],
)
ERRORS = Counter("contacts_http_request_errors_total", "Answers with a 5xx status, by dialect.", ["dialect", "status"])
LATENCY = Histogram(
    "contacts_http_request_duration_seconds",
    "Time to answer, by dialect.",
    ["dialect"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestTelemetryMiddleware:
    """Outermost: times the whole request, counts its queries, logs it and records metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        duration = time.perf_counter() - start
        response["X-Request-ID"] = request_id
        dialect = dialect_of(request.path)
        status = str(response.status_code)
        REQUESTS.labels(dialect, request.method, status).inc()
        LATENCY.labels(dialect).observe(duration)
        if response.status_code >= 500:
            ERRORS.labels(dialect, status).inc()
        api_key = _caller_key(request)
        organization = api_key.organization_id if api_key is not None else _url_organization(request)
        logger.info(
            json.dumps(
                {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "dialect": dialect,
                    "organization": organization,
                    "key": api_key.username if api_key is not None else None,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                    "queries": queries[0],
                },
                ensure_ascii=False,
            )
        )
        return response


def _caller_key(request: HttpRequest) -> ApiKey | None:
    """The API key that authenticated the request. A session user is not looked at: it is
    loaded lazily, and loading it here would query (maybe an unreachable) database."""
    user = request.__dict__.get("user")
    return user.api_key if type(user) is ApiKeyUser else None


def _url_organization(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("organization_id") if match is not None else None


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the addresses in ``METRICS_ALLOWED_IPS`` only."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return HttpResponseForbidden("Metrics are not served to this address.")
    if not any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS):
        return HttpResponseForbidden("Metrics are not served to this address.")
    return ExportToDjangoView(request)
