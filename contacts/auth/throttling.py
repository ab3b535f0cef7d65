"""One rate limiter for every dialect (DESIGN §5.1, §9): requests are counted per API key in
fixed windows on the shared cache (local memory by default, Redis when configured).

``API_RATE_LIMIT`` is ``<count>/<sec|min|hour|day>``; the default is ``6000/min``.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from contacts.auth.principal import request_api_key
from contacts.models import ApiKey

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"6000/min"`` → (6000, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


def seconds_to_wait(api_key: ApiKey) -> int | None:
    """Count one request for the key; the seconds until its window reopens when it is over
    the limit, else None."""
    limit, period = parse_rate(settings.API_RATE_LIMIT)
    now = time.time()
    window = int(now // period)
    key = f"rate:{api_key.pk}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now) + 1)


class ApiKeyRateThrottle(BaseThrottle):
    """DRF's side of the limiter; staff sessions are not limited."""

    def allow_request(self, request, view) -> bool:
        api_key = request_api_key(request)
        self.wait_seconds = seconds_to_wait(api_key) if api_key is not None else None
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds
