"""Single keyed updates (seed 000): the key field finds the contact, field ids set its values.
Each test reads the effect back over the native dialect."""

import pytest

from attributes.models import DataType, DisplayFormat
from tests import factories
from tests.dialects.keyed.conftest import assert_reply


def test_seed_000_update_by_email_answers_ok_and_records_source(keyed, native, people, source):
    response = keyed.put({"key_id": "3", "3": "malekith@example.com", "1": "New", "source_id": source.pk})

    assert response.status_code == 200
    assert response.json() == {"replyCode": 0, "replyText": "OK", "data": {"id": people.malekith}}
    contact = native.get(people.malekith)
    assert contact["firstName"] == "New"
    assert contact["lastName"] == "Dark"
    assert contact["modifiedSourceId"] == source.pk
    assert contact["version"] == 2
    latest, created = native.history(people.malekith)
    assert latest["channel"] == "keyed"
    assert latest["mode"] == "partial"
    assert latest["sourceId"] == source.pk
    assert latest["changes"]["firstName"] == {"before": "Malekith", "after": "New"}
    assert created["mode"] == "create"


def test_source_id_as_a_string_names_the_same_source(keyed, native, people, source):
    response = keyed.put({"key_id": "1", "1": "Frigga", "2": "Allmother", "source_id": str(source.pk)})

    assert assert_reply(response, 200, 0, "OK") == {"id": people.frigga}
    contact = native.get(people.frigga)
    assert contact["lastName"] == "Allmother"
    assert contact["modifiedSourceId"] == source.pk


@pytest.mark.parametrize(
    ("key_id", "key_field", "key_value"),
    [
        ("3", "3", "malekith@example.com"),
        (3, "3", "malekith@example.com"),
        ("1", "1", "Malekith"),
        ("50", "50", "m-1"),
        ("id", "id", "ID"),
        ("id", "id", "ID-as-text"),
        ("uid", "uid", "UID"),
        ("", "id", "ID"),
        (None, "id", "ID"),
    ],
    ids=["email", "email-as-number", "first-name", "external-id", "id", "id-as-text", "uid", "empty", "missing"],
)
def test_key_id_variants_find_the_contact(keyed, native, people, key_id, key_field, key_value):
    stored = native.get(people.malekith)
    value = {"ID": stored["id"], "ID-as-text": str(stored["id"]), "UID": stored["uid"]}.get(key_value, key_value)
    body = {key_field: value, "2": "the Accursed"}
    if key_id is not None:
        body["key_id"] = key_id

    response = keyed.put(body)

    assert assert_reply(response, 200, 0, "OK") == {"id": people.malekith}
    after = native.get(people.malekith)
    assert after["lastName"] == "the Accursed"
    assert after["version"] == stored["version"] + 1
    assert native.get(people.frigga)["lastName"] == "Odinsdottir"


def test_email_key_matches_regardless_of_case(keyed, native, people):
    response = keyed.put({"key_id": "3", "3": "MALEKITH@Example.COM", "2": "the Accursed"})

    assert assert_reply(response, 200, 0, "OK") == {"id": people.malekith}
    assert native.get(people.malekith)["lastName"] == "the Accursed"


def test_choice_field_as_key_accepts_the_choice_id(keyed, native, people):
    assert_reply(keyed.put({"key_id": "id", "id": people.frigga, "5": "female"}), 200, 0, "OK")

    response = keyed.put({"key_id": "5", "5": "2", "9": "Queen"})

    assert assert_reply(response, 200, 0, "OK") == {"id": people.frigga}
    assert native.get(people.frigga)["title"] == "Queen"


def test_a_request_that_changes_nothing_answers_ok_and_writes_no_history(keyed, native, people, source):
    before = native.snapshot(people.malekith)

    response = keyed.put({"key_id": "id", "id": people.malekith, "1": "Malekith", "source_id": source.pk})

    assert assert_reply(response, 200, 0, "OK") == {"id": people.malekith}
    native.assert_unchanged(before)


@pytest.mark.parametrize("cleared", ["", None], ids=["empty-string", "null"])
def test_empty_value_clears_a_field(keyed, native, people, cleared):
    response = keyed.put({"key_id": "id", "id": people.malekith, "18": cleared})

    assert_reply(response, 200, 0, "OK")
    contact = native.get(people.malekith)
    assert contact["companyName"] == ""
    assert contact["version"] == 2


@pytest.mark.parametrize(
    ("field_id", "sent", "wire_name", "stored"),
    [
        ("5", "2", "gender", "female"),
        ("5", "male", "gender", "male"),
        ("6", "2", "maritalStatus", "married"),
        ("26", "2", "preferredEmailFormat", "text"),
        ("31", "3", "status", "suppressed"),
        ("31", 2, "status", "off"),
        ("31", "suppressed", "status", "suppressed"),
    ],
)
def test_choice_fields_take_the_value_or_its_choice_id(keyed, native, people, field_id, sent, wire_name, stored):
    response = keyed.put({"key_id": "id", "id": people.malekith, field_id: sent})

    assert_reply(response, 200, 0, "OK")
    assert native.get(people.malekith)[wire_name] == stored


def test_scalar_fields_map_to_their_columns(keyed, native, people):
    body = {
        "key_id": "id",
        "id": people.malekith,
        "2": "the Accursed",
        "3": "accursed@example.com",
        "4": "1990-05-04",
        "8": "Dark arts",
        "9": "King",
        "15": "+1 555 0100",
        "16": "+1 555 0101",
        "17": "Ruler",
        "18": "Svartalfar",
        "19": "Rule",
        "20": "Conquest",
        "21": "+1 555 0102",
        "25": "https://www.linkedin.com/in/malekith",
        "50": "m-2",
    }

    assert_reply(keyed.put(body), 200, 0, "OK")

    contact = native.get(people.malekith)
    assert {
        name: contact[name]
        for name in (
            "lastName",
            "email",
            "birthDate",
            "educationLevel",
            "title",
            "phone",
            "fax",
            "companyPosition",
            "companyName",
            "department",
            "industry",
            "phoneHome",
            "linkedinUrl",
            "externalId",
        )
    } == {
        "lastName": "the Accursed",
        "email": "accursed@example.com",
        "birthDate": "1990-05-04",
        "educationLevel": "Dark arts",
        "title": "King",
        "phone": "+1 555 0100",
        "fax": "+1 555 0101",
        "companyPosition": "Ruler",
        "companyName": "Svartalfar",
        "department": "Rule",
        "industry": "Conquest",
        "phoneHome": "+1 555 0102",
        "linkedinUrl": "https://www.linkedin.com/in/malekith",
        "externalId": "m-2",
    }
    assert contact["version"] == 2
    assert len(native.history(people.malekith)) == 2


def test_address_fields_create_the_first_address_when_there_is_none(keyed, native, people):
    body = {"key_id": "id", "id": people.malekith, "10": "1 Dark St", "11": "Svartalfheim", "12": "Dark"}
    body |= {"13": "666", "14": "Nine Realms"}

    assert_reply(keyed.put(body), 200, 0, "OK")

    [address] = native.get(people.malekith)["addresses"]
    assert {key: address[key] for key in ("streetAddress", "city", "state", "postalCode", "country")} == {
        "streetAddress": "1 Dark St",
        "city": "Svartalfheim",
        "state": "Dark",
        "postalCode": "666",
        "country": "Nine Realms",
    }


def test_address_fields_change_the_first_address_and_keep_the_others(keyed, native, people):
    before = native.get(people.frigga)["addresses"]

    assert_reply(keyed.put({"key_id": "id", "id": people.frigga, "11": "Asgard", "10": ""}), 200, 0, "OK")

    first, second = native.get(people.frigga)["addresses"]
    assert first == before[0] | {"city": "Asgard", "streetAddress": ""}
    assert first["locationName"] == "Home" and first["postalCode"] == "100"
    assert second == before[1]


def test_seed_003_multiple_choice_attribute_takes_choice_ids_and_keeps_other_attributes(keyed, native, people, attr):
    response = keyed.put({"key_id": "1", "1": "Frigga", str(attr.field_id): ["1", "2"]})

    assert assert_reply(response, 200, 0, "OK") == {"id": people.frigga}
    attributes = {item["name"]: item["values"] for item in native.get(people.frigga)["contactAttributes"]}
    assert attributes == {"attr1": ["option1", "option2"], "note": ["hello"]}


def test_attribute_values_by_name_and_a_new_attribute_is_added(keyed, native, people, attr, note):
    body = {"key_id": "id", "id": people.malekith, str(attr.field_id): ["option3", "option1"], str(note.field_id): "hi"}

    assert_reply(keyed.put(body), 200, 0, "OK")

    attributes = {item["name"]: sorted(item["values"]) for item in native.get(people.malekith)["contactAttributes"]}
    assert attributes == {"attr1": ["option1", "option3"], "note": ["hi"]}


def test_single_choice_attribute_takes_its_choice_id(keyed, native, org, people):
    level = factories.make_attribute(
        org, "level", data_type=DataType.STRING, display_format=DisplayFormat.SINGLE_CHOICE, defined_values=["a", "b"]
    )

    assert_reply(keyed.put({"key_id": "id", "id": people.malekith, str(level.field_id): "2"}), 200, 0, "OK")

    attributes = {item["name"]: item["values"] for item in native.get(people.malekith)["contactAttributes"]}
    assert attributes == {"level": ["b"]}


def test_empty_attribute_value_removes_only_that_attribute(keyed, native, people, attr):
    assert_reply(keyed.put({"key_id": "id", "id": people.frigga, str(attr.field_id): ""}), 200, 0, "OK")

    attributes = {item["name"]: item["values"] for item in native.get(people.frigga)["contactAttributes"]}
    assert attributes == {"note": ["hello"]}


def test_create_if_not_exists_creates_a_missing_contact_with_the_default_record_type(keyed, native, org, source):
    body = {"key_id": "3", "3": "loki@example.com", "1": "Loki", "5": "1", "source_id": source.pk}

    response = keyed.put(body, "?create_if_not_exists=1")

    data = assert_reply(response, 200, 0, "OK")
    assert data["created"] is True
    contact = native.get(data["id"])
    assert contact["email"] == "loki@example.com"
    assert contact["firstName"] == "Loki"
    assert contact["gender"] == "male"
    assert contact["recordTypeName"] == "Employee"
    assert contact["createdSourceId"] == source.pk
    [entry] = native.history(data["id"])
    assert (entry["channel"], entry["mode"], entry["sourceId"]) == ("keyed", "create", source.pk)


def test_create_if_not_exists_updates_an_existing_contact_without_creating(keyed, native, people):
    response = keyed.put({"key_id": "50", "50": "m-1", "2": "the Accursed"}, "?create_if_not_exists=1")

    assert assert_reply(response, 200, 0, "OK") == {"id": people.malekith}
    assert native.get(people.malekith)["lastName"] == "the Accursed"
