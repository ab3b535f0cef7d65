"""Refusals of ``PUT /api/v2/contact``: reply codes and messages of seeds 000/003 and DESIGN
§5.1, always HTTP 400, and never a change (version, values, history, new contacts)."""

import re

import pytest

from contacts.models import Contact
from tests import factories
from tests.dialects.keyed.conftest import DASH, KeyedApi, assert_reply, create_contact


def test_2008_no_contact_found(keyed, native, people):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "3", "3": "nobody@example.com", "1": "Nobody"})

    assert_reply(response, 400, 2008, f"No contact found with the external ID: 3 {DASH} nobody@example.com")
    native.assert_unchanged(before)


def test_2008_message_uses_the_en_dash_of_seed_000(keyed, people):
    text = keyed.put({"key_id": "50", "50": "x-9"}).json()["replyText"]

    assert text == "No contact found with the external ID: 50 \u2013 x-9"


def test_2008_for_an_unknown_id_key(keyed, native, people):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": 999999, "1": "Nobody"})

    assert_reply(response, 400, 2008, f"No contact found with the external ID: id {DASH} 999999")
    native.assert_unchanged(before)


def test_2010_more_contacts_found(keyed, native, org, people):
    twin = create_contact(org, external_id="f-2", first_name="Frigga", last_name="Twin")
    before = [native.snapshot(people.frigga), native.snapshot(twin)]

    response = keyed.put({"key_id": "1", "1": "Frigga", "2": "Changed"})

    assert_reply(response, 400, 2010, f"More contacts found with the external ID: 1 {DASH} Frigga")
    native.assert_unchanged(*before)


@pytest.mark.parametrize(
    "body",
    [{"key_id": "id", "id": "999999", "1": "X"}, {"key_id": "uid", "uid": "cnt_aaaaaaaaaaaa", "1": "X"}, {"1": "X"}],
    ids=["id", "uid", "default-id"],
)
def test_2004_id_or_uid_as_key_on_creation(keyed, native, people, body):
    before = native.snapshot(people.malekith)

    response = keyed.put(body, "?create_if_not_exists=1")

    assert_reply(response, 400, 2004, "Cannot use id or uid as key on contact creation")
    native.assert_unchanged(before)


@pytest.mark.parametrize("id_key", ["id", "uid"])
def test_2007_setting_id_or_uid_on_creation(keyed, native, people, id_key):
    before = native.snapshot(people.malekith)
    value = 424242 if id_key == "id" else "cnt_bbbbbbbbbbbb"

    response = keyed.put({"key_id": "3", "3": "new@example.com", id_key: value}, "?create_if_not_exists=1")

    assert_reply(response, 400, 2007, "Cannot set id or uid on contact creation")
    native.assert_unchanged(before)
    assert not Contact.objects.filter(email="new@example.com").exists()


def test_2006_unknown_field_id(keyed, native, people):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "2": "Changed", "999": "x"})

    assert_reply(response, 400, 2006, "Unknown field id: 999")
    native.assert_unchanged(before)


@pytest.mark.parametrize(
    "key_id", ["11", "10", "999", "email", "-3"], ids=["city", "address", "unknown", "name", "neg"]
)
def test_2006_key_id_that_is_not_a_contact_scalar_field(keyed, native, people, key_id):
    before = native.snapshot(people.frigga)

    response = keyed.put({"key_id": key_id, key_id: "Fensalir", "2": "Changed"})

    data = assert_reply(response, 400, 2006)
    assert key_id in response.json()["replyText"]
    assert data == ""
    native.assert_unchanged(before)


def test_2006_attribute_as_key_is_refused(keyed, native, people, attr):
    before = native.snapshot(people.frigga)
    field_id = str(attr.field_id)

    response = keyed.put({"key_id": field_id, field_id: ["3"], "2": "Changed"})

    assert_reply(response, 400, 2006)
    native.assert_unchanged(before)


@pytest.mark.parametrize(
    ("field_id", "value"),
    [("3", "not-an-email"), ("5", "9"), ("31", "4"), ("26", "pdf"), ("4", "yesterday"), ("1", "x" * 101)],
    ids=["email", "gender", "status", "email-format", "date", "too-long"],
)
def test_2005_invalid_value_names_the_field_id(keyed, native, people, field_id, value):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "2": "Changed", field_id: value})

    assert_reply(response, 400, 2005)
    assert re.search(rf"\b{field_id}\b", response.json()["replyText"])
    native.assert_unchanged(before)


def test_2005_invalid_attribute_choice_names_the_attribute_field_id(keyed, native, people, attr):
    before = native.snapshot(people.frigga)

    response = keyed.put({"key_id": "id", "id": people.frigga, str(attr.field_id): ["1", "7"]})

    assert_reply(response, 400, 2005)
    assert str(attr.field_id) in response.json()["replyText"]
    native.assert_unchanged(before)


def test_2005_invalid_address_value_names_the_address_field_id(keyed, native, people):
    before = native.snapshot(people.frigga)

    response = keyed.put({"key_id": "id", "id": people.frigga, "13": "9" * 256})

    assert_reply(response, 400, 2005)
    assert re.search(r"\b13\b", response.json()["replyText"])
    native.assert_unchanged(before)


@pytest.mark.parametrize("source_id", [999999, "not-a-number"])
def test_2011_unknown_source_id(keyed, native, people, source_id):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "1": "Changed", "source_id": source_id})

    assert_reply(response, 400, 2011)
    native.assert_unchanged(before)


def test_2011_another_organizations_source_is_unknown(keyed, native, other_org, people):
    foreign = factories.make_source(other_org, "Their CRM")
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "1": "Changed", "source_id": foreign.pk})

    assert_reply(response, 400, 2011)
    native.assert_unchanged(before)


def test_2009_external_id_of_another_contact(keyed, native, people):
    before = [native.snapshot(people.frigga), native.snapshot(people.malekith)]

    response = keyed.put({"key_id": "id", "id": people.frigga, "1": "Changed", "50": "m-1"})

    assert_reply(response, 400, 2009, "Contact with the external id already exists: 50")
    native.assert_unchanged(*before)


def test_2009_on_creation_with_a_taken_external_id(keyed, native, people):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "3", "3": "new@example.com", "50": "m-1"}, "?create_if_not_exists=1")

    assert_reply(response, 400, 2009, "Contact with the external id already exists: 50")
    native.assert_unchanged(before)


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '["key_id", "3"]',
        '"a string"',
        '{"key_id": "id", "contacts": "nope"}',
        '{"key_id": "id", "contacts": {"1": "x"}}',
        '{"key_id": "id", "contacts": null}',
        '{"key_id": "id", "contacts": [{"id": MALEKITH, "2": "Changed"}, "not an object"]}',
        '{"key_id": "id", "contacts": [{"id": MALEKITH, "2": "Changed"}, ["1"]]}',
    ],
    ids=["not-json", "array", "string", "contacts-string", "contacts-object", "contacts-null", "item-str", "item-list"],
)
def test_1001_malformed_request(keyed, native, people, raw):
    before = native.snapshot(people.malekith)

    response = keyed.put_raw(raw.replace("MALEKITH", str(people.malekith)))

    assert_reply(response, 400, 1001)
    native.assert_unchanged(before)


def test_creation_without_a_default_record_type_is_refused(db):
    org = factories.make_org("No types")
    factories.make_record_type(org, "Only", is_default=False)
    keyed = KeyedApi(factories.make_key(org))

    response = keyed.put({"key_id": "3", "3": "new@example.com"}, "?create_if_not_exists=1")

    assert response.status_code == 400
    assert response.json()["replyCode"] != 0
    assert "record type" in response.json()["replyText"].lower()
    assert not Contact.objects.filter(organization=org).exists()


def test_another_organizations_key_finds_none_of_its_contacts(other_org, native, people):
    foreign = KeyedApi(factories.make_key(other_org))
    before = native.snapshot(people.malekith)

    by_email = foreign.put({"key_id": "3", "3": "malekith@example.com", "1": "Hacked"})
    by_id = foreign.put({"key_id": "id", "id": people.malekith, "1": "Hacked"})
    by_uid = foreign.put({"key_id": "uid", "uid": before.contact["uid"], "1": "Hacked"})

    assert_reply(by_email, 400, 2008, f"No contact found with the external ID: 3 {DASH} malekith@example.com")
    assert_reply(by_id, 400, 2008)
    assert_reply(by_uid, 400, 2008)
    native.assert_unchanged(before)


def test_another_organizations_attribute_field_id_is_unknown(other_org, keyed, native, people):
    factories.make_attribute(other_org, "theirs1")
    factories.make_attribute(other_org, "theirs2")
    factories.make_attribute(other_org, "theirs3")  # field id 102: org has only 100 and 101
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "102": ["1"]})

    assert_reply(response, 400, 2006, "Unknown field id: 102")
    native.assert_unchanged(before)


def test_birth_date_key_with_a_value_that_is_not_a_date_is_a_keyed_refusal(keyed, native, people):
    keyed.client.raise_request_exception = False
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "4", "4": "not-a-date", "1": "Changed"})

    assert response.status_code == 400
    assert response.json()["replyCode"] in {2005, 2008}
    native.assert_unchanged(before)


def test_body_over_5_mib_is_413_in_the_keyed_envelope(keyed, native, people):
    keyed.client.raise_request_exception = False
    before = native.snapshot(people.malekith)
    padding = "a" * (5 * 1024 * 1024)

    response = keyed.put_raw(f'{{"key_id": "id", "id": {people.malekith}, "2": "Changed", "9": "{padding}"}}')

    assert response.status_code == 413
    assert response.json()["replyCode"] != 0
    native.assert_unchanged(before)
