"""The OpenAPI schema, the offline docs page and the API root (DESIGN §7)."""

import base64
import json
import re

import jsonschema
import pytest
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


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_nothing_from_another_host(client, page):
    response = client.get(page)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/api/schema" in html
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == []  # no web fonts, no CDN, no other host
    assert all(link.startswith("/") for link in re.findall(r'(?:src|href)="([^"]*)"', html))
    # What the bundles themselves would fetch (ReDoc's logo, Swagger's validator badge) the
    # browser is told not to.
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["img-src"] == "'self' data:"
    assert all("http" not in sources for sources in policy.values())


def test_swagger_shows_no_validator_badge(client):
    html = client.get("/api/docs/").content.decode()

    assert '"validatorUrl": null' in html


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


def json_schema(client) -> dict:
    return json.loads(client.get("/api/schema/", {"format": "json"}).content)


def test_the_description_names_every_dialect_it_lists(client):
    schema = json_schema(client)
    prefixes = {
        "/" + path.split("/")[1] + ("/" + path.split("/")[2] if path.startswith("/api/") else "")
        for path in schema["paths"]
    }

    assert prefixes == {"/rest", "/api/v2", "/external", "/api/2.0"}
    for named in ("`/rest/...`", "`/api/v2/...`", "`/external/v1/...`", "`/api/2.0/contacts/...`", "XML-RPC"):
        assert named in schema["info"]["description"]


def test_the_legacy_answers_and_ids_are_documented_as_they_are(client, org, key):
    schema = json_schema(client)
    legacy = schema["paths"]["/api/2.0/contacts/{contact_id}"]
    contact = factories.make_contact(org, first_name="Grace", email="grace@example.com")
    basic = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    answer = Client().get(f"/api/2.0/contacts/{contact.pk}", headers={"Authorization": f"Basic {basic}"}).json()
    written = (
        Client()
        .put(
            f"/api/2.0/contacts/{contact.pk}",
            {"name": "G"},
            content_type="application/json",
            headers={"Authorization": f"Basic {basic}"},
        )
        .json()
    )

    jsonschema.validate(answer, legacy["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    jsonschema.validate(written, legacy["put"]["responses"]["200"]["content"]["application/json"]["schema"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**answer, "surprise": 1}, legacy["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        )
    [contact_id] = [p for p in legacy["get"]["parameters"] if p["name"] == "contact_id"]
    assert contact_id["schema"] == {"type": "integer"}


SAFE_WRITES = {
    ("/rest/contacts/{organization_id}", "post"): "validateOnly",
    ("/rest/contacts/{organization_id}/{contact_id}", "put"): "validateOnly",
    ("/rest/contacts/{organization_id}/{contact_id}", "patch"): "validateOnly",
    ("/rest/contacts/{organization_id}/{contact_id}", "delete"): None,
    ("/rest/contacts/{organization_id}/batch", "put"): "validateOnly",
    ("/rest/contacts/{organization_id}/batch", "patch"): "validateOnly",
    ("/rest/groups/{organization_id}/contacts", "post"): None,
    ("/rest/groups/{organization_id}/contacts", "delete"): None,
    ("/api/v2/contact", "put"): "validate_only",
    ("/external/v1/contacts/{uid}", "put"): None,
    ("/api/2.0/contacts/{contact_id}", "put"): None,
}


@pytest.mark.parametrize(("path", "method"), SAFE_WRITES, ids="-".join)
def test_safe_writes_are_documented(client, path, method):
    operation = json_schema(client)["paths"][path][method]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert parameters["Idempotency-Key"]["in"] == "header"
    assert {"409", "422"} <= set(operation["responses"])
    assert (
        "Idempotent-Replayed" in operation["responses"]["200" if "200" in operation["responses"] else "204"]["headers"]
    )
    if SAFE_WRITES[(path, method)]:
        assert parameters[SAFE_WRITES[(path, method)]]["schema"]["type"] == "boolean"


def test_a_dry_run_answer_fits_the_documented_answer(client, org, api_client):
    schema = json_schema(client)
    contact = factories.make_contact(org, first_name="Ada")
    answer = api_client.patch(f"/rest/contacts/{org.pk}/{contact.pk}?validateOnly=true", {"title": "Dr"}, format="json")
    documented = schema["paths"]["/rest/contacts/{organization_id}/{contact_id}"]["patch"]["responses"]["200"]

    resolver = {"components": schema["components"], **documented["content"]["application/json"]["schema"]}
    jsonschema.validate(answer.json(), resolver)
    assert answer.json()["validateOnly"] is True
