"""Two concurrent FULL updates of one contact serialize on its row lock: the stored contact
equals one payload exactly, never a mix (PostgreSQL only; SQLite serializes all writers)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from contacts.models import RecordType
from paths.models import PathKind
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

COMPARED = ("firstName", "lastName", "email", "companyName", "tags", "paths", "contactAttributes", "addresses")


def payload(variant: str, record_type_id: int) -> dict:
    return {
        "externalId": "001",
        "firstName": f"First {variant}",
        "lastName": f"Last {variant}",
        "email": f"{variant}@example.com",
        "companyName": f"Company {variant}",
        "recordTypeId": record_type_id,
        "timezoneId": "Europe/Paris",
        "tags": [f"tag-{variant}-{i}" for i in range(5)],
        "addresses": [{"locationName": f"Home {variant}", "city": f"City {variant}"}],
        "paths": [
            {
                "prompt": f"path{i}",
                "value": f"{variant}-{i}",
                "quietTimeFrames": [{"name": variant, "days": [1], "fromHour": 1, "toHour": 2}],
            }
            for i in range(5)
        ],
        "contactAttributes": [{"name": f"attr{i}", "values": [variant]} for i in range(5)],
    }


def test_concurrent_full_updates_never_mix(org):
    for i in range(5):
        factories.make_path(org, f"path{i}", PathKind.OTHER)
        factories.make_attribute(org, f"attr{i}", display_format="F")
    key = factories.make_key(org)
    record_type_id = RecordType.objects.get(organization=org).pk
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    created = client.post(f"/rest/contacts/{org.pk}", payload("seed", record_type_id), format="json")
    assert created.status_code == 201
    url = f"/rest/contacts/{org.pk}/{created.json()['id']}"

    for round_ in range(5):
        barrier = threading.Barrier(2)
        statuses: list[int] = []
        threads = [
            threading.Thread(
                target=put, args=(key.secret, url, payload(f"{side}{round_}", record_type_id), barrier, statuses)
            )
            for side in ("a", "b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert statuses == [200, 200]
        stored = client.get(url).json()
        expected = [client_view(payload(f"{side}{round_}", record_type_id)) for side in ("a", "b")]
        assert client_view(stored) in expected
        assert stored["version"] == 1 + 2 * (round_ + 1)


def put(secret: str, url: str, body: dict, barrier: threading.Barrier, statuses: list[int]) -> None:
    """One client's PUT, started together with the other's; each thread has its own connection."""
    try:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        statuses.append(client.put(url, body, format="json").status_code)
    finally:
        connection.close()


def client_view(contact: dict) -> dict:
    """The compared fields in a comparable form (server-filled keys dropped)."""
    view = {name: contact[name] for name in COMPARED}
    view["tags"] = sorted(view["tags"])
    view["paths"] = [
        {"value": path["value"], "frames": [frame["name"] for frame in path["quietTimeFrames"]]}
        for path in view["paths"]
    ]
    view["addresses"] = [(address["locationName"], address["city"]) for address in view["addresses"]]
    view["contactAttributes"] = [attribute["values"] for attribute in view["contactAttributes"]]
    return view
