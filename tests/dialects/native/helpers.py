"""Round-trip helpers for the native dialect's write endpoints: send a request, then read the
contact (and its history) back over HTTP."""

from dataclasses import dataclass
from typing import Any

from rest_framework.test import APIClient

from contacts.models import Channel
from contacts.services import Actor, ChangeSet, UpdateMode, apply_update

SETUP_ACTOR = Actor(label="test-setup")


def seed_contact(org, **values: Any) -> int:
    """A contact laid down through the engine (canonical names), so tests start from state the
    engine itself wrote; the HTTP write under test is then compared against it."""
    result = apply_update(
        organization=org,
        item=ChangeSet(values=values),
        mode=UpdateMode.FULL,
        actor=SETUP_ACTOR,
        channel=Channel.IMPORT,
    )
    return result.contact_id


@dataclass(frozen=True)
class Snapshot:
    contact_id: int
    contact: dict
    history: list


class NativeApi:
    """The native dialect of one organization, as an API client sees it."""

    def __init__(self, client: APIClient, org) -> None:
        self.client = client
        self.org = org

    def url(self, contact_id: object = None) -> str:
        base = f"/rest/contacts/{self.org.pk}"
        return base if contact_id is None else f"{base}/{contact_id}"

    @property
    def batch_url(self) -> str:
        return f"/rest/contacts/{self.org.pk}/batch"

    @property
    def membership_url(self) -> str:
        return f"/rest/groups/{self.org.pk}/contacts"

    def get(self, contact_id: object) -> dict:
        response = self.client.get(self.url(contact_id))
        assert response.status_code == 200, response.content
        return response.json()

    def history(self, contact_id: object) -> list[dict]:
        response = self.client.get(f"{self.url(contact_id)}/history")
        assert response.status_code == 200, response.content
        return response.json()["results"]

    def put(self, contact_id: object, body: object, **headers: str):
        return self.client.put(self.url(contact_id), body, format="json", **headers)

    def patch(self, contact_id: object, body: object, **headers: str):
        return self.client.patch(self.url(contact_id), body, format="json", **headers)

    def post(self, body: object, query: str = ""):
        return self.client.post(self.url() + query, body, format="json")

    def delete(self, contact_id: object):
        return self.client.delete(self.url(contact_id))

    def batch(self, body: object):
        return self.client.put(self.batch_url, body, format="json")

    def send_raw(self, method: str, path: str, data: str | bytes, content_type: str = "application/json"):
        return getattr(self.client, method)(path, data, content_type=content_type)

    def snapshot(self, contact_id: int) -> Snapshot:
        return Snapshot(contact_id, self.get(contact_id), self.history(contact_id))

    def assert_unchanged(self, snapshot: Snapshot) -> None:
        """The contact reads back exactly as before (same version, same updatedAt, same
        values) and its history has no new entry."""
        after = self.get(snapshot.contact_id)
        assert after["version"] == snapshot.contact["version"]
        assert after == snapshot.contact
        assert self.history(snapshot.contact_id) == snapshot.history


def assert_error(response, status: int, code: str, pointers: tuple[str, ...] | list[str] = ()) -> dict:
    """The native error envelope, naming at least ``pointers`` in ``errors``."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    missing = [pointer for pointer in pointers if pointer not in body["errors"]]
    assert not missing, f"{missing} not in {body['errors']}"
    for messages in body["errors"].values():
        assert messages and all(isinstance(message, str) and message for message in messages)
    return body


def assert_ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def minimal(**extra: Any) -> dict:
    """The smallest valid FULL body for the contact with external id 001 (seed 002's
    "basic request"); ``extra`` adds or overrides wire fields."""
    return {"firstName": "F", "lastName": "L", "externalId": "001", "recordTypeName": "Employee", **extra}
