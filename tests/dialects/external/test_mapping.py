"""Each external field onto its canonical field (DESIGN §5 external specifics), proved by the
native GET: only the fields sent change, and the PUT answers the contact as GET shows it."""

import pytest
import requests

from tests.dialects.external.helpers import TIMEOUT, instant

pytestmark = pytest.mark.django_db(transaction=True)

#: The contact every mapping starts from (native JSON).
BASE = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "john@example.com",
    "phone": "+5511999999999",
    "companyName": "Acme Inc",
    "companyPosition": "Engineer",
    "linkedinUrl": "https://linkedin.com/in/johndoe",
    "tags": ["old", "keep"],
    "customFields": {"a": 1, "b": {"c": 2}},
}

MAPPINGS = [
    pytest.param(
        {"name": "Mary Jane Watson"},
        {"firstName": "Mary Jane", "lastName": "Watson"},
        {"name": "Mary Jane Watson"},
        id="name-split-on-last-space",
    ),
    pytest.param(
        {"name": "Peter Parker"}, {"firstName": "Peter", "lastName": "Parker"}, {"name": "Peter Parker"}, id="name"
    ),
    pytest.param({"name": "Cher"}, {"firstName": "Cher", "lastName": ""}, {"name": "Cher"}, id="name-one-word"),
    pytest.param({"name": ""}, {"firstName": "", "lastName": ""}, {"name": ""}, id="name-empty-clears"),
    pytest.param({"email": "mary@example.org"}, {"email": "mary@example.org"}, None, id="email"),
    pytest.param({"phone": "+33 1 23 45 67 89"}, {"phone": "+33 1 23 45 67 89"}, None, id="phone"),
    pytest.param({"company": "Daily Bugle"}, {"companyName": "Daily Bugle"}, None, id="company"),
    pytest.param({"position": "Photographer"}, {"companyPosition": "Photographer"}, None, id="position"),
    pytest.param(
        {"linkedin_url": "https://linkedin.com/in/mj"}, {"linkedinUrl": "https://linkedin.com/in/mj"}, None, id="url"
    ),
    pytest.param({"tags": ["new", "keep"]}, {"tags": ["new", "keep"]}, None, id="tags-replace-in-order-sent"),
    pytest.param({"tags": []}, {"tags": []}, None, id="tags-emptied"),
    pytest.param(
        {"custom_fields": {"z": [1, 2], "a": None}},
        {"customFields": {"z": [1, 2], "a": None}},
        None,
        id="custom-fields-replace-object",
    ),
    pytest.param({"custom_fields": {}}, {"customFields": {}}, None, id="custom-fields-emptied"),
    pytest.param(
        {"phone": None, "company": ""},
        {"phone": "", "companyName": ""},
        {"phone": "", "company": ""},
        id="null-and-empty-clear",
    ),
    pytest.param(
        {"name": "Ada Lovelace", "email": "ada@example.com", "position": "Programmer", "tags": ["math"]},
        {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "companyPosition": "Programmer",
            "tags": ["math"],
        },
        None,
        id="several-fields-at-once",
    ),
]


@pytest.mark.parametrize(("body", "native_change", "wire_change"), MAPPINGS)
def test_field_maps_onto_native_field(external, native, body, native_change, wire_change):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])
    wire_before = external.data(contact["uid"])

    response = external.put(contact["uid"], body)

    assert response.status_code == 200, response.text
    after = native.assert_changed(before, native_change, channel="external")
    data = response.json()["data"]
    expected_wire = wire_change if wire_change is not None else body
    assert data == {**wire_before, **expected_wire, "updated_at": data["updated_at"]}
    assert instant(data["updated_at"]) == instant(after["updatedAt"])
    assert external.data(contact["uid"]) == data


def test_a_repeated_put_is_a_no_op(external, native):
    contact = native.create(**BASE)
    body = {"name": "Mary Jane Watson", "tags": ["new", "keep"], "custom_fields": {"z": 1}}
    assert external.put(contact["uid"], body).status_code == 200
    before = native.snapshot(contact["id"])

    response = external.put(contact["uid"], body)

    assert response.status_code == 200, response.text
    native.assert_unchanged(before)


def test_source_is_the_created_source_name(external, native, linkedin):
    with_source = native.create(sourceId=linkedin.pk)
    without_source = native.create()

    assert with_source["createdSourceId"] == linkedin.pk
    assert external.data(with_source["uid"])["source"] == "linkedin"
    assert without_source["createdSourceId"] is None
    assert external.data(without_source["uid"])["source"] is None
    # A PUT answers it too, and does not touch it.
    response = external.put(with_source["uid"], {"position": "CTO"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["source"] == "linkedin"
    assert native.get(with_source["id"])["createdSourceId"] == linkedin.pk


def test_trailing_slash_is_the_same_route(external, native):
    contact = native.create(**BASE)
    before = native.snapshot(contact["id"])
    url = external.url(contact["uid"]) + "/"

    response = requests.put(url, json={"position": "CTO"}, headers=external.headers(None), timeout=TIMEOUT)

    assert response.status_code == 200, response.text
    native.assert_changed(before, {"companyPosition": "CTO"}, channel="external")
    shown = requests.get(url, headers=external.headers(None), timeout=TIMEOUT)
    assert shown.status_code == 200, shown.text
    assert shown.json()["data"]["position"] == "CTO"
