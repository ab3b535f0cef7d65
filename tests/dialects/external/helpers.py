"""Round trips against pytest-django's live server with real HTTP clients.

The external and legacy dialect tests prove each mapping by what the native dialect shows
afterwards (``GET /rest/contacts/{org}/{id}`` with ``Authorization: Bearer <key>``), never by
a status code alone. The legacy tests import these helpers too. ``ExternalApi`` speaks the
external dialect (``X-API-Key``) as seed 001's clients do.
"""

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

import requests

_external_ids = itertools.count(1)
TIMEOUT = 10


@dataclass(frozen=True)
class Snapshot:
    contact_id: int
    contact: dict
    history: list


class LiveNative:
    """The native dialect of one organization over HTTP (Bearer key), used to lay down
    contacts and to read them and their history back."""

    def __init__(self, base_url: str, org, secret: str) -> None:
        self.base = f"{base_url}/rest/contacts/{org.pk}"
        # One connection per request, as the seeds' clients do: a kept-alive connection to the
        # live server waits out TCP delayed ACKs (about 40 ms a request).
        self.headers = {"Authorization": f"Bearer {secret}"}

    def create(self, **fields: Any) -> dict:
        """A contact created with native POST (FULL's required fields filled in); its JSON."""
        body = {
            "firstName": "F",
            "lastName": "L",
            "externalId": f"ext-{next(_external_ids)}",
            "recordTypeName": "Employee",
            **fields,
        }
        response = requests.post(self.base, json=body, headers=self.headers, timeout=TIMEOUT)
        assert response.status_code == 201, response.text
        return response.json()

    def get(self, contact_id: object) -> dict:
        response = requests.get(f"{self.base}/{contact_id}", headers=self.headers, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()

    def history(self, contact_id: object) -> list[dict]:
        response = requests.get(f"{self.base}/{contact_id}/history", headers=self.headers, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def snapshot(self, contact_id: int) -> Snapshot:
        return Snapshot(contact_id, self.get(contact_id), self.history(contact_id))

    def assert_unchanged(self, snapshot: Snapshot) -> None:
        """Same version, same values (``updatedAt`` included) and no new history entry."""
        after = self.get(snapshot.contact_id)
        assert after["version"] == snapshot.contact["version"]
        assert after == snapshot.contact
        assert self.history(snapshot.contact_id) == snapshot.history

    def assert_changed(self, snapshot: Snapshot, expected: dict[str, Any], *, channel: str) -> dict:
        """Exactly the ``expected`` native fields changed: one version bump, a later
        ``updatedAt``, every other field as before, and one new ``partial`` history entry
        written by ``channel``. Returns the contact as read back."""
        after = self.get(snapshot.contact_id)
        assert after["version"] == snapshot.contact["version"] + 1
        assert instant(after["updatedAt"]) >= instant(snapshot.contact["updatedAt"])
        assert after == {**snapshot.contact, **expected, "version": after["version"], "updatedAt": after["updatedAt"]}
        history = self.history(snapshot.contact_id)
        assert len(history) == len(snapshot.history) + 1
        assert history[1:] == snapshot.history
        assert history[0]["channel"] == channel
        assert history[0]["mode"] == "partial"
        assert history[0]["changes"]
        return after


def instant(value: str) -> datetime.datetime:
    """An ISO 8601 UTC timestamp as written on the wire (``…Z``)."""
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def address(**fields: Any) -> dict:
    """A native address as GET shows it, with the fields not given left empty."""
    return {
        "locationName": "",
        "streetAddress": "",
        "suite": "",
        "city": "",
        "state": "",
        "postalCode": "",
        "country": "",
        "gisLocation": None,
        **fields,
    }


#: Seed 001's example contact, laid down through the native POST.
JOHN = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "john@example.com",
    "phone": "+5511999999999",
    "companyName": "Acme Inc",
    "companyPosition": "Engineer",
    "linkedinUrl": "https://linkedin.com/in/johndoe",
    "tags": ["existing"],
}


class ExternalApi:
    """``/external/v1/contacts/{uid}`` as a client sees it: every request carries
    ``X-API-Key`` (another key, or none, when asked)."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base = f"{base_url}/external/v1/contacts"
        self.secret = secret

    def url(self, uid: str) -> str:
        return f"{self.base}/{uid}"

    def headers(self, secret: str | None) -> dict[str, str]:
        secret = self.secret if secret is None else secret
        return {"X-API-Key": secret} if secret else {}

    def get(self, uid: str, *, secret: str | None = None) -> requests.Response:
        return requests.get(self.url(uid), headers=self.headers(secret), timeout=TIMEOUT)

    def put(self, uid: str, body: object, *, secret: str | None = None) -> requests.Response:
        return requests.put(self.url(uid), json=body, headers=self.headers(secret), timeout=TIMEOUT)

    def put_raw(self, uid: str, data: str | bytes) -> requests.Response:
        headers = {**self.headers(None), "Content-Type": "application/json"}
        return requests.put(self.url(uid), data=data, headers=headers, timeout=TIMEOUT)

    def data(self, uid: str) -> dict:
        response = self.get(uid)
        assert response.status_code == 200, response.text
        return response.json()["data"]
