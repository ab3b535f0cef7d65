"""Statements per request (DESIGN §8: a PATCH sends at most 8, BEGIN and COMMIT included; a
GET at most 4).

Counted in-process: the request goes through DRF's ``APIClient`` (the whole Django stack,
middleware and authentication included, without a network) and every statement Django
sends on the connection is captured with ``CaptureQueriesContext``, transaction control
(BEGIN, COMMIT, SAVEPOINT, RELEASE) included. Each request starts as a server's does, on a
kept connection that Django checks first (``CONN_HEALTH_CHECKS``); that check sends nothing
(``contacts/foundations/postgresql``), and the report says how many were made. The figure
judged is every statement; the report also shows them apart. One unmeasured GET
goes first, on a new connection that the measured requests then keep: authentication marks a
key as used at most once a minute, and the figure is the one of a key in use.
"""

import logging
import re
import warnings
from dataclasses import dataclass
from unittest import mock

from django.conf import settings
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from contacts.benchmark.scenario import Scenario, wire_values

HOW = (
    "in-process through DRF's APIClient (middleware, authentication, view, engine, rendering); every statement Django "
    "sends captured with CaptureQueriesContext, transaction control (BEGIN, COMMIT) included, on a kept connection "
    "checked as a server's (the check sends nothing); after one unmeasured GET, so that the key counts as in use"
)
TRANSACTION_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RequestStatements:
    method: str
    status: int
    statements: list[str]
    health_checks: int

    @property
    def data_statements(self) -> list[str]:
        return [sql for sql in self.statements if not TRANSACTION_CONTROL.match(sql)]

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "count": len(self.statements),
            "data": len(self.data_statements),
            "transaction_control": len(self.statements) - len(self.data_statements),
            "health_checks": self.health_checks,
            "statements": [sql[:160] for sql in self.statements],
        }


def count_statements(scenario: Scenario, secret: str, *, variant: int) -> dict[str, RequestStatements]:
    """The statements of a native PATCH (the scenario's change) and then a GET of one contact."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/rest/contacts/{scenario.organization.pk}/{scenario.contact_ids[0]}"
    counted = {}
    with (
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]),
        warnings.catch_warnings(),
        # The requests' log lines would land among the command's progress messages.
        mock.patch.object(logging.getLogger("contacts.requests"), "disabled", True),
    ):
        # WhiteNoise warns when static files were not collected: they play no part here.
        warnings.filterwarnings("ignore", message="No directory at")
        # The unmeasured GET opens a connection of its own, which the measured requests keep
        # as a server's thread does: the command's connection may be older than CONN_MAX_AGE
        # by now, and a request would replace it (a new connection has no health check).
        connection.close()
        client.get(url)
        for method, send in (
            ("PATCH", lambda: client.patch(url, wire_values(0, variant), format="json")),
            ("GET", lambda: client.get(url)),
        ):
            with (
                mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as health_check,
                CaptureQueriesContext(connection) as captured,
            ):
                # What a server does as a request starts (the test client leaves it out): a
                # kept connection is marked for its health check.
                close_old_connections()
                response = send()
            if response.status_code != 200:
                raise RuntimeError(f"{method} answered {response.status_code}: {response.content[:500]!r}")
            sent = [query["sql"] for query in captured.captured_queries]
            counted[method] = RequestStatements(method, response.status_code, sent, health_check.call_count)
    return counted
