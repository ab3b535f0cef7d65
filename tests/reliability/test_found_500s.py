"""Inputs a hostile run answered with a 500; each is a clear 4xx now, and changes nothing."""

import pytest
from rest_framework.test import APIClient

from attributes.models import AttributeDefinition, DisplayFormat
from contacts.models import Contact, ContactChange, WsseNonce
from contacts.services import ChangeSet
from tests import factories
from tests.dialects.keyed.conftest import wsse_header
from tests.engine.builders import apply

NESTED_BAD_KEYS = '{"a\\u0000": {"b\\u0000": "c"}, "x\\ud800": {"y": {"z\\udfff": 1}}}'


@pytest.fixture
def contact_id(org) -> int:
    [result] = apply(
        org,
        [
            ChangeSet(
                values={
                    "external_id": "001",
                    "first_name": "Ada",
                    "last_name": "L",
                    "email": "ada@example.com",
                    "record_type_name": "Employee",
                }
            )
        ],
    )
    return result.contact_id


@pytest.fixture
def client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}", HTTP_X_API_KEY=key.secret)
    return client


def json_endpoints(org_id: int, contact_id: int, uid: str) -> list[tuple[str, str]]:
    return [
        ("post", f"/rest/contacts/{org_id}"),
        ("put", f"/rest/contacts/{org_id}/{contact_id}"),
        ("patch", f"/rest/contacts/{org_id}/{contact_id}"),
        ("put", f"/rest/contacts/{org_id}/batch"),
        ("post", f"/rest/groups/{org_id}/contacts"),
        ("post", f"/rest/groups/{org_id}"),
        ("put", "/api/v2/contact"),
        ("put", f"/external/v1/contacts/{uid}"),
        ("put", f"/api/2.0/contacts/{contact_id}"),
    ]


def test_bad_text_inside_nested_keys_is_a_400_on_every_json_endpoint(org, client, contact_id):
    uid = Contact.objects.get(pk=contact_id).uid
    for method, url in json_endpoints(org.pk, contact_id, uid):
        response = getattr(client, method)(url, NESTED_BAD_KEYS, content_type="application/json")

        assert response.status_code == 400, (method, url, response.status_code, response.content[:300])
    stored = Contact.objects.get(pk=contact_id)
    assert stored.version == 1 and ContactChange.objects.filter(organization=org).count() == 1


@pytest.mark.parametrize("depth", [300, 1000])
def test_deeply_nested_values_are_a_400_on_every_json_endpoint(org, client, contact_id, depth):
    uid = Contact.objects.get(pk=contact_id).uid
    nested = "[" * depth + "1" + "]" * depth
    for method, url in json_endpoints(org.pk, contact_id, uid):
        for body in ('{"title": ' + nested + ', "customFields": {"a": ' + nested + "}}", nested):
            response = getattr(client, method)(url, body, content_type="application/json")

            assert response.status_code in (200, 400), (method, url, depth, response.status_code)
            if response.status_code == 200:  # a batch answers each item: this one is refused
                assert {item["status"] for item in response.json()["results"]} == {"error"}
    stored = Contact.objects.get(pk=contact_id)
    assert stored.version == 1 and ContactChange.objects.filter(organization=org).count() == 1


def test_bad_nested_keys_are_named_at_their_pointers(org, client, contact_id):
    response = client.patch(f"/rest/contacts/{org.pk}/{contact_id}", NESTED_BAD_KEYS, content_type="application/json")

    errors = response.json()["errors"]
    assert set(errors) >= {"/a\x00", "/a\x00/b\x00", "/x\\ud800", "/x\\ud800/y/z\\udfff"}


def test_non_ascii_digits_are_never_numbers(org, key, contact_id):
    factories.make_attribute(org, "size", display_format=DisplayFormat.SINGLE_CHOICE, defined_values=["S", "M"])
    field_id = AttributeDefinition.objects.get(organization=org, name="size").field_id
    client = APIClient()

    def signed() -> dict:
        return {"HTTP_X_WSSE": wsse_header(key)}

    choices = client.get("/api/v2/field/%C2%B2/choice", **signed())
    by_choice = client.put(
        "/api/v2/contact", {"key_id": "3", "3": "ada@example.com", "5": "²"}, format="json", **signed()
    )
    by_attribute = client.put(
        "/api/v2/contact", {"key_id": "3", "3": "ada@example.com", str(field_id): "²"}, format="json", **signed()
    )
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}", HTTP_IF_MATCH=f'"{contact_id}-²"')
    if_match = stale.patch(f"/rest/contacts/{org.pk}/{contact_id}", {"firstName": "X"}, format="json")

    assert choices.status_code == 400 and choices.json()["replyCode"] != 0
    assert by_choice.status_code == 400 and by_attribute.status_code == 400
    assert if_match.status_code == 412
    assert Contact.objects.get(pk=contact_id).version == 1


@pytest.mark.parametrize("offset", ["+16:30", "-23:59", "+00:00"])
def test_instants_with_any_offset_filter_or_refuse_cleanly(org, client, contact_id, offset):
    response = client.get(f"/rest/contacts/{org.pk}", {"updatedSince": f"2020-01-01T00:00:00{offset}"})

    assert response.status_code == 200
    assert [contact["id"] for contact in response.json()["results"]] == [contact_id]


def test_an_instant_beyond_the_years_is_a_400(org, client):
    response = client.get(f"/rest/contacts/{org.pk}", {"updatedSince": "0001-01-01T00:00:00+16:30"})

    assert response.status_code == 400
    assert "/updatedSince" in response.json()["errors"]


def test_an_overlong_wsse_nonce_with_a_valid_digest_is_a_401(key):
    response = APIClient().get("/api/v2/field", HTTP_X_WSSE=wsse_header(key, nonce="n" * 201))

    assert response.status_code == 401
    assert "nonce" in response.json()["replyText"]
    assert not WsseNonce.objects.exists()
