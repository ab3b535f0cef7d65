"""Every API answers ``/history`` (DESIGN §9): one history, whichever dialect wrote it."""

import base64

import pytest
from rest_framework.test import APIClient

from contacts.services import ChangeSet, UpdateMode
from tests import factories
from tests.engine.builders import apply


@pytest.fixture
def contact_id(org):
    [created] = apply(
        org,
        [ChangeSet(values={"external_id": "1", "first_name": "A", "last_name": "B", "record_type_name": "Employee"})],
    )
    apply(org, [ChangeSet(values={"first_name": "C"}, contact_id=created.contact_id)], mode=UpdateMode.PARTIAL)
    return created.contact_id


@pytest.fixture
def client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key.secret)
    return client


def test_external_history(client, org, contact_id):
    uid = client.get(f"/rest/contacts/{org.pk}/{contact_id}").json()["uid"]

    body = client.get(f"/external/v1/contacts/{uid}/history").json()

    assert body["success"] is True
    assert [entry["mode"] for entry in body["data"]] == ["partial", "create"]
    assert body["data"][0]["changes"] == {"first_name": {"before": "A", "after": "C"}}
    assert body["data"][0]["at"].endswith("Z")


def test_legacy_history(key, contact_id):
    client = APIClient()
    token = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    entries = client.get(f"/api/2.0/contacts/{contact_id}/history").json()

    assert [entry["mode"] for entry in entries] == ["partial", "create"]
    assert isinstance(entries[0]["at"], int)
    assert client.get("/api/2.0/contacts/999999/history").status_code == 404
    assert client.put(f"/api/2.0/contacts/{contact_id}/history", {}, format="json").status_code == 405


def test_keyed_history(client, contact_id):
    body = client.get(f"/api/v2/contact/{contact_id}/history").json()

    assert body["replyCode"] == 0
    assert [entry["mode"] for entry in body["data"]] == ["partial", "create"]
    missing = client.get("/api/v2/contact/999999/history")
    assert missing.status_code == 400 and missing.json()["replyCode"] == 2008


def test_another_organizations_key_sees_no_history(other_org, contact_id):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=factories.make_key(other_org).secret)

    assert client.get(f"/api/2.0/contacts/{contact_id}/history").status_code == 404
    assert client.get(f"/api/v2/contact/{contact_id}/history").json()["replyCode"] == 2008
