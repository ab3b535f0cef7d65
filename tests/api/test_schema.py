"""The OpenAPI schema, the offline docs page and the API root (DESIGN §7)."""

import json

import yaml
from django.test import Client

from tests import factories


def test_schema_is_openapi_yaml(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/rest/contacts/{organization_id}" in schema["paths"]
    assert "/rest/contacts/{organization_id}/{contact_id}" in schema["paths"]


def test_schema_as_json(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/rest/contacts/{organization_id}" in schema["paths"]
    assert any(path.startswith("/rest/recordTypes/") for path in schema["paths"])


def test_docs_page_is_served_offline(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "/api/schema" in html
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in html


def test_docs_assets_are_served_locally(settings):
    # As in development; production serves the same files after collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    html = client.get("/api/docs/").content.decode()
    asset = next(part.split('"')[0] for part in html.split('src="')[1:] if "swagger-ui" in part.split('"')[0])

    response = client.get(asset)

    assert response.status_code == 200


def test_api_root_lists_the_keys_organization(org, other_org, api_client):
    response = api_client.get("/rest/")

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["organizations"]] == [org.pk]
    endpoints = body["organizations"][0]["endpoints"]
    assert set(endpoints) == {
        "contacts",
        "recordTypes",
        "groups",
        "topics",
        "sources",
        "contactAttributes",
        "contactPaths",
    }
    assert endpoints["contacts"].endswith(f"/rest/contacts/{org.pk}")
    group = factories.make_group(org, "group1")
    listing = api_client.get(endpoints["groups"])
    assert [item["id"] for item in listing.json()["results"]] == [group.pk]


def test_api_root_needs_credentials(anon_client):
    response = anon_client.get("/rest")

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"


def test_the_contact_request_schema_documents_every_writable_wire_key(client):
    from contacts.dialects.native.patch import READ_ONLY
    from contacts.dialects.native.wire import ADDRESS, ATTRIBUTE, ENGAGEMENT_WIRE_NAMES, FRAME, GIS, PATH, TOP_LEVEL

    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)["components"]["schemas"]
    full = schema["ContactInputRequest"]["properties"]
    writable = {wire for wire, canonical in TOP_LEVEL.items() if canonical not in READ_ONLY}
    writable -= set(ENGAGEMENT_WIRE_NAMES) | {"createdSourceId", "modifiedSourceId"}

    assert set(full) == writable
    assert set(schema["PatchedContactInputRequest"]["properties"]) == writable
    assert set(full["paths"]["items"]["properties"]) == set(PATH)
    assert set(full["contactAttributes"]["items"]["properties"]) == set(ATTRIBUTE)
    assert set(full["addresses"]["items"]["properties"]) == set(ADDRESS) | {"gisLocation"}
    assert set(full["addresses"]["items"]["properties"]["gisLocation"]["properties"]) == set(GIS)
    assert set(full["paths"]["items"]["properties"]["quietTimeFrames"]["items"]["properties"]) == set(FRAME)
    assert schema["ContactInputRequest"]["additionalProperties"] is False


def test_every_operation_documents_its_refusals_in_its_dialects_envelope(client):
    paths = json.loads(client.get("/api/schema/", {"format": "json"}).content)["paths"]

    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404", "429", "503"} <= set(responses), (method, path)
    keyed = paths["/api/v2/contact"]["put"]["responses"]["401"]["content"]["application/json"]["schema"]
    assert keyed == {"$ref": "#/components/schemas/KeyedError"}
