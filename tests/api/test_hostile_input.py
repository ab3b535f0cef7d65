"""No 500 on any input (DESIGN §6, §8): every writable operation of the OpenAPI schema gets each
documented field replaced, one at a time, by hostile values. The answer may refuse (4xx) but
must never be a server error, and must keep its dialect's JSON envelope."""

import base64
import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from contacts.models import WebhookSubscription
from tests import factories

HOSTILE = [None, [], {}, "", "x" * 300, -1, 2**70, 1.5, True, "\u0000", "\ud800", "é" * 101, [{"a": [None]}]]
# Request bodies the schema leaves open (OpenApiTypes.OBJECT), with the keys their dialect reads.
OPEN_BODIES = {
    "/api/v2/contact": {"key_id": "3", "3": "fuzz@example.com", "1": "F", "5": "male", "50": "e1", "100": ["1"]},
    "/external/v1/contacts/{uid}": {"name": "A B", "email": "a@example.com", "tags": ["t"], "custom_fields": {}},
    "/api/2.0/contacts/{contact_id}": {"name": "A", "last name": "B", "date_of_birth": 0, "tags": "[]", "zip": "1"},
}
BASE_CONTACT = {"firstName": "F", "lastName": "L", "externalId": "fuzz", "recordTypeName": "Employee"}


def writable_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("put", "patch", "post"):
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            reference = (content.get("schema") or {}).get("$ref", "")
            properties = components.get(reference.rsplit("/", 1)[-1], {}).get("properties", {})
            found.append((method, path, properties))
    return found


OPERATIONS = writable_operations()


@pytest.fixture
def world(org, key):
    factories.make_group(org, "group1")
    factories.make_attribute(org, "attr1")
    factories.make_path(org, "phone")
    contact = factories.make_contact(org, external_id="fuzz", email="fuzz@example.com")
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    )
    return {"organization_id": org.pk, "contact_id": contact.pk, "uid": contact.uid, "id": None, "org": org}, client


def fill(path: str, params: dict) -> str:
    if "{id}" in path:
        kind = path.split("/")[2]
        params = {**params, "id": reference_id(kind, params["org"])}
    return re.sub(r"\{(\w+)\}", lambda match: str(params[match.group(1)]), path)


def reference_id(kind: str, org) -> int:
    makers = {
        "recordTypes": lambda: factories.make_record_type(org, "Other", is_default=False),
        "groups": lambda: factories.make_group(org, "other"),
        "topics": lambda: factories.make_topic(org, "other"),
        "sources": lambda: factories.make_source(org, "other"),
        "contactAttributes": lambda: factories.make_attribute(org, "other", display_format="F"),
        "contactPaths": lambda: factories.make_path(org, "other"),
        "webhooks": lambda: WebhookSubscription.objects.create(
            organization=org, url="https://hooks.example.com/x", secret_encrypted="x"
        ),
    }
    return makers[kind]().pk


def bodies(path: str, properties: dict):
    base = OPEN_BODIES.get(path, BASE_CONTACT if "contacts" in path and "batch" not in path else {})
    names = list(properties) or list(base)
    for name in names:
        for value in HOSTILE:
            yield name, {**base, name: value}


@pytest.mark.parametrize("method, path, properties", OPERATIONS, ids=[f"{m.upper()} {p}" for m, p, _ in OPERATIONS])
def test_hostile_values_never_cause_a_server_error(world, method, path, properties):
    params, client = world
    url = fill(path, params)
    failures = []
    for name, body in bodies(path, properties):
        if path.endswith("/batch"):
            body = [body]
        # Sent ASCII-escaped, as a client would send a lone surrogate.
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        if response.status_code >= 500 or "json" not in response.get("Content-Type", ""):
            failures.append((name, body.get(name) if isinstance(body, dict) else body, response.status_code))
    assert not failures, failures[:5]


@pytest.mark.parametrize(
    "url",
    [
        "/rest/contacts/{org}?externalId=%00",
        "/rest/contacts/{org}?search=a%00b",
        "/external/v1/contacts/cnt_%00",
        "/rest/groups/{org}?name=%00",
    ],
)
def test_nul_characters_in_urls_are_refused(api_client, key, org, url):
    response = api_client.get(url.format(org=org.pk), HTTP_X_API_KEY=key.secret)

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
