"""Contact data needs ``contacts:read`` on every dialect: not the registry's
``settings:read``, and not a write that echoes the contact back to a write-only key."""

import pytest
from rest_framework.test import APIClient

from contacts.models import Contact, Scope
from contacts.services import ChangeSet
from tests import factories
from tests.dialects.keyed.conftest import wsse_header
from tests.engine.builders import apply


@pytest.fixture
def ada(org) -> Contact:
    values = {
        "external_id": "001",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "record_type_name": "Employee",
    }
    [result] = apply(org, [ChangeSet(values=values)])
    return Contact.objects.get(pk=result.contact_id)


def client_for(issued) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}", HTTP_X_API_KEY=issued.secret)
    return client


def test_a_settings_key_reads_no_contact_history_on_any_dialect(org, ada):
    settings_key = factories.make_key(org, scopes=[Scope.SETTINGS_READ])
    client = client_for(settings_key)

    answers = {
        "keyed": APIClient().get(f"/api/v2/contact/{ada.pk}/history", HTTP_X_WSSE=wsse_header(settings_key)),
        "native": client.get(f"/rest/contacts/{org.pk}/{ada.pk}/history"),
        "external": client.get(f"/external/v1/contacts/{ada.uid}/history"),
        "legacy": client.get(f"/api/2.0/contacts/{ada.pk}/history"),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 403)
    assert all("ada@example.com" not in answer.content.decode() for answer in answers.values())
    # The registry stays a settings read.
    assert APIClient().get("/api/v2/field", HTTP_X_WSSE=wsse_header(settings_key)).status_code == 200


def test_a_write_only_key_learns_only_the_id_and_version_of_what_it_wrote(org, ada):
    client = client_for(factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]))

    empty_patch = client.patch(f"/rest/contacts/{org.pk}/{ada.pk}", {}, format="json")
    patch = client.patch(f"/rest/contacts/{org.pk}/{ada.pk}", {"firstName": "Augusta"}, format="json")
    created = client.post(
        f"/rest/contacts/{org.pk}",
        {"externalId": "002", "firstName": "G", "lastName": "H", "recordTypeName": "Employee"},
        format="json",
    )
    external = client.put(f"/external/v1/contacts/{ada.uid}", {}, format="json")
    read = client.get(f"/rest/contacts/{org.pk}/{ada.pk}")

    assert empty_patch.status_code == 200 and empty_patch.json() == {"id": ada.pk, "version": 1}
    assert patch.json() == {"id": ada.pk, "version": 2} and patch["ETag"] == f'"{ada.pk}-2"'
    new = Contact.objects.get(organization=org, external_id="002")
    assert created.status_code == 201 and created.json() == {"id": new.pk, "version": 1}
    assert created["Location"].endswith(f"/rest/contacts/{org.pk}/{new.pk}")
    assert external.status_code == 200 and external.json() == {"success": True, "data": {"id": ada.uid}}
    assert read.status_code == 403
    assert Contact.objects.get(pk=ada.pk).first_name == "Augusta"


def test_a_key_that_reads_and_writes_gets_the_whole_contact(org, ada):
    client = client_for(factories.make_key(org, scopes=[Scope.CONTACTS_READ, Scope.CONTACTS_WRITE]))

    native = client.patch(f"/rest/contacts/{org.pk}/{ada.pk}", {}, format="json")
    external = client.put(f"/external/v1/contacts/{ada.uid}", {}, format="json")

    assert native.json()["email"] == "ada@example.com"
    assert external.json()["data"]["email"] == "ada@example.com"
