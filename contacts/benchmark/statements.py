"""Statements per request (DESIGN §8: a PATCH sends at most 8, a GET at most 4).

Counted in-process: the request goes through DRF's ``APIClient`` (the whole Django stack,
middleware and authentication included, without a network) and every statement Django
sends on the connection is captured with ``CaptureQueriesContext``. Django logs its
transaction control there too (BEGIN, COMMIT, SAVEPOINT, RELEASE): those are counted
apart, and the figure judged against the target is the other statements, the ones that
read or write data. One unmeasured GET goes first: authentication marks a key as used at
most once a minute, and the figure is the one of a key in use.
"""

import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from contacts.benchmark.scenario import Scenario, wire_values

HOW = (
    "in-process through DRF's APIClient (middleware, authentication, view, engine, rendering); every statement Django "
    "sends captured with CaptureQueriesContext; transaction control (BEGIN, COMMIT, SAVEPOINT, RELEASE) counted apart; "
    "after one unmeasured GET, so that the key counts as in use"
)
TRANSACTION_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RequestStatements:
    method: str
    status: int
    statements: list[str]

    @property
    def data_statements(self) -> list[str]:
        return [sql for sql in self.statements if not TRANSACTION_CONTROL.match(sql)]

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "count": len(self.data_statements),
            "transaction_control": len(self.statements) - len(self.data_statements),
            "statements": [sql[:160] for sql in self.statements],
        }


def count_statements(scenario: Scenario, secret: str, *, variant: int) -> dict[str, RequestStatements]:
    """The statements of a native PATCH (the scenario's change) and then a GET of one contact."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/rest/contacts/{scenario.organization.pk}/{scenario.contact_ids[0]}"
    counted = {}
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]), warnings.catch_warnings():
        # WhiteNoise warns when static files were not collected: they play no part here.
        warnings.filterwarnings("ignore", message="No directory at")
        client.get(url)
        for method, send in (
            ("PATCH", lambda: client.patch(url, wire_values(0, variant), format="json")),
            ("GET", lambda: client.get(url)),
        ):
            with CaptureQueriesContext(connection) as captured:
                response = send()
            if response.status_code != 200:
                raise RuntimeError(f"{method} answered {response.status_code}: {response.content[:500]!r}")
            counted[method] = RequestStatements(
                method, response.status_code, [query["sql"] for query in captured.captured_queries]
            )
    return counted
