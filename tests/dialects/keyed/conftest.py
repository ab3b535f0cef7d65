"""Fixtures of the keyed dialect tests (seeds 000 and 003): a client that signs every request
with a fresh WSSE UsernameToken, a native reader to check the effect, and the seeds' contacts
``Malekith`` and ``Frigga`` laid down through the engine."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from attributes.models import DataType, DisplayFormat
from contacts.auth.keys import IssuedKey
from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet
from tests import factories
from tests.engine.builders import apply

CONTACT_URL = "/api/v2/contact"
FIELD_URL = "/api/v2/field"
#: Seeds 000/003 separate the key's field id and value with an EN DASH.
DASH = "\u2013"


def wsse_header(
    issued: IssuedKey,
    *,
    nonce: str | None = None,
    created: str | None = None,
    secret: str | None = None,
    username: str | None = None,
) -> str:
    """An ``X-WSSE`` UsernameToken built as a client builds it: ``PasswordDigest`` is the
    base64 of the hex SHA-1 of Nonce + Created + key (DESIGN §9)."""
    nonce = nonce if nonce is not None else secrets.token_hex(16)
    created = created if created is not None else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    secret = secret if secret is not None else issued.secret
    username = username if username is not None else issued.api_key.username
    digest = base64.b64encode(hashlib.sha1((nonce + created + secret).encode()).hexdigest().encode()).decode()
    return f'UsernameToken Username="{username}", PasswordDigest="{digest}", Nonce="{nonce}", Created="{created}"'


class KeyedApi:
    """The keyed dialect as a client sees it: every request carries a fresh X-WSSE token."""

    def __init__(self, issued: IssuedKey) -> None:
        self.issued = issued
        self.client = APIClient()

    def headers(self) -> dict[str, str]:
        return {"HTTP_X_WSSE": wsse_header(self.issued)}

    def put(self, body: object, query: str = ""):
        return self.client.put(CONTACT_URL + query, body, format="json", **self.headers())

    def put_raw(self, data: str):
        return self.client.put(CONTACT_URL, data, content_type="application/json", **self.headers())

    def fields(self):
        return self.client.get(FIELD_URL, **self.headers())

    def choices(self, field_id: object):
        return self.client.get(f"{FIELD_URL}/{field_id}/choice", **self.headers())


@dataclass(frozen=True)
class Snapshot:
    contact_id: int
    contact: dict
    history: list
    contact_count: int
    change_count: int


class NativeReader:
    """Reads contacts and their history back over the native dialect (Bearer key)."""

    def __init__(self, client: APIClient, org) -> None:
        self.client = client
        self.org = org

    def get(self, contact_id: int) -> dict:
        response = self.client.get(f"/rest/contacts/{self.org.pk}/{contact_id}")
        assert response.status_code == 200, response.content
        return response.json()

    def history(self, contact_id: int) -> list[dict]:
        response = self.client.get(f"/rest/contacts/{self.org.pk}/{contact_id}/history")
        assert response.status_code == 200, response.content
        return response.json()["results"]

    def patch(self, contact_id: int, body: dict):
        return self.client.patch(f"/rest/contacts/{self.org.pk}/{contact_id}", body, format="json")

    def snapshot(self, contact_id: int) -> Snapshot:
        return Snapshot(
            contact_id,
            self.get(contact_id),
            self.history(contact_id),
            Contact.objects.count(),
            ContactChange.objects.count(),
        )

    def assert_contact_unchanged(self, snapshot: Snapshot) -> None:
        """The contact reads back exactly as before: version, values and history."""
        after = self.get(snapshot.contact_id)
        assert after["version"] == snapshot.contact["version"]
        assert after == snapshot.contact
        assert self.history(snapshot.contact_id) == snapshot.history

    def assert_unchanged(self, *snapshots: Snapshot) -> None:
        """Each contact is unchanged, and no contact and no history row was added anywhere."""
        for snapshot in snapshots:
            self.assert_contact_unchanged(snapshot)
        assert Contact.objects.count() == snapshots[0].contact_count
        assert ContactChange.objects.count() == snapshots[0].change_count


def assert_reply(response, status: int, reply_code: int, reply_text: str | None = None) -> Any:
    """The keyed envelope with the given HTTP status and reply code; returns ``data``."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"replyCode", "replyText", "data"}, body
    assert body["replyCode"] == reply_code, body
    if reply_text is not None:
        assert body["replyText"] == reply_text
    else:
        assert isinstance(body["replyText"], str) and body["replyText"]
    return body["data"]


@pytest.fixture
def keyed(key) -> KeyedApi:
    """``org``'s all-scopes key, signing with WSSE."""
    return KeyedApi(key)


@pytest.fixture
def native(api_client, org) -> NativeReader:
    return NativeReader(api_client, org)


@pytest.fixture
def attr(org):
    """Seed 003's multiple-choice attribute (``option1..3``)."""
    return factories.make_attribute(
        org, "attr1", data_type=DataType.STRING, display_format=DisplayFormat.MULTIPLE_CHOICE
    )


@pytest.fixture
def note(org):
    """A free-text attribute."""
    return factories.make_attribute(org, "note", data_type=DataType.STRING, display_format=DisplayFormat.FREE_TEXT)


@pytest.fixture
def source(org):
    return factories.make_source(org, "CRM")


def create_contact(org, **values: Any) -> int:
    """A contact written by the engine (FULL create), as any dialect would have left it."""
    [result] = apply(org, [ChangeSet(values={"record_type_name": "Employee", **values})])
    assert result.ok, result.problems
    return result.contact_id


@pytest.fixture
def people(org, attr, note) -> SimpleNamespace:
    """Seed 003's contacts: ``Malekith`` (no address, no attribute) and ``Frigga`` (two
    addresses, both attributes set)."""
    malekith = create_contact(
        org,
        external_id="m-1",
        first_name="Malekith",
        last_name="Dark",
        email="malekith@example.com",
        company_name="Dark Elves",
    )
    frigga = create_contact(
        org,
        external_id="f-1",
        first_name="Frigga",
        last_name="Odinsdottir",
        email="frigga@example.com",
        addresses=[
            {"location_name": "Home", "street_address": "1 Palace Way", "city": "Fensalir", "postal_code": "100"},
            {"location_name": "Work", "city": "Valhalla"},
        ],
        attributes=[{"name": "attr1", "values": ["option3"]}, {"name": "note", "values": ["hello"]}],
    )
    return SimpleNamespace(malekith=malekith, frigga=frigga)
