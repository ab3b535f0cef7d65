"""The field registry (DESIGN §5.1): ``GET /api/v2/field`` and ``GET /api/v2/field/{id}/choice``."""

import pytest

from attributes.models import DataType, DisplayFormat
from tests import factories
from tests.dialects.keyed.conftest import KeyedApi, assert_reply

SYSTEM_FIELDS = {
    1: ("first_name", "shorttext"),
    2: ("last_name", "shorttext"),
    3: ("email", "email"),
    4: ("birth_date", "date"),
    5: ("gender", "singlechoice"),
    6: ("marital_status", "singlechoice"),
    8: ("education_level", "shorttext"),
    9: ("title", "shorttext"),
    10: ("address", "shorttext"),
    11: ("city", "shorttext"),
    12: ("state", "shorttext"),
    13: ("zip", "shorttext"),
    14: ("country", "shorttext"),
    15: ("phone", "phone"),
    16: ("fax", "phone"),
    17: ("company_position", "shorttext"),
    18: ("company_name", "shorttext"),
    19: ("department", "shorttext"),
    20: ("industry", "shorttext"),
    21: ("phone_home", "phone"),
    25: ("linkedin_url", "longtext"),
    26: ("preferred_email_format", "singlechoice"),
    31: ("status", "singlechoice"),
    50: ("external_id", "shorttext"),
}


@pytest.fixture
def attributes(org, other_org):
    """Attributes of every kind in ``org``, and one of ``other_org`` that must not show."""
    factories.make_attribute(other_org, "theirs")
    return {
        "attr1": factories.make_attribute(org, "attr1"),
        "level": factories.make_attribute(
            org, "level", display_format=DisplayFormat.SINGLE_CHOICE, defined_values=["low", "high"]
        ),
        "note": factories.make_attribute(org, "note", display_format=DisplayFormat.FREE_TEXT),
        "shoe": factories.make_attribute(
            org, "shoe", data_type=DataType.NUMBER, display_format=DisplayFormat.FREE_TEXT
        ),
        "since": factories.make_attribute(
            org, "since", data_type=DataType.DATE, display_format=DisplayFormat.FREE_TEXT
        ),
    }


def test_field_list_has_the_system_fields_and_the_organizations_attributes(keyed, attributes):
    data = assert_reply(keyed.fields(), 200, 0, "OK")

    assert all(set(entry) == {"id", "name", "application_type"} for entry in data)
    by_id = {entry["id"]: (entry["name"], entry["application_type"]) for entry in data}
    assert len(by_id) == len(data)
    assert {field_id: by_id[field_id] for field_id in SYSTEM_FIELDS} == SYSTEM_FIELDS
    custom = {field_id: value for field_id, value in by_id.items() if field_id not in SYSTEM_FIELDS}
    assert custom == {
        attributes["attr1"].field_id: ("attr1", "multichoice"),
        attributes["level"].field_id: ("level", "singlechoice"),
        attributes["note"].field_id: ("note", "shorttext"),
        attributes["shoe"].field_id: ("shoe", "numeric"),
        attributes["since"].field_id: ("since", "date"),
    }
    assert all(field_id >= 100 for field_id in custom)


def test_another_organization_sees_only_its_own_attributes(other_org, attributes):
    foreign = KeyedApi(factories.make_key(other_org))

    data = assert_reply(foreign.fields(), 200, 0, "OK")

    assert [entry["name"] for entry in data if entry["id"] >= 100] == ["theirs"]


@pytest.mark.parametrize(
    ("field_id", "choices"),
    [
        (5, ["male", "female", "unknown"]),
        (6, ["single", "married", "unknown"]),
        (26, ["html", "text"]),
        (31, ["on", "off", "suppressed"]),
    ],
    ids=["gender", "marital_status", "preferred_email_format", "status"],
)
def test_system_choices_with_their_ids(keyed, field_id, choices):
    data = assert_reply(keyed.choices(field_id), 200, 0, "OK")

    assert data == [{"id": str(n), "choice": choice} for n, choice in enumerate(choices, start=1)]


def test_gender_choices_exactly(keyed):
    response = keyed.choices(5)

    assert response.json() == {
        "replyCode": 0,
        "replyText": "OK",
        "data": [{"id": "1", "choice": "male"}, {"id": "2", "choice": "female"}, {"id": "3", "choice": "unknown"}],
    }


@pytest.mark.parametrize(("name", "values"), [("attr1", ["option1", "option2", "option3"]), ("level", ["low", "high"])])
def test_attribute_choices_are_its_defined_values(keyed, attributes, name, values):
    data = assert_reply(keyed.choices(attributes[name].field_id), 200, 0, "OK")

    assert data == [{"id": str(n), "choice": value} for n, value in enumerate(values, start=1)]


@pytest.mark.parametrize("field_id", ["1", "11", "note", "999", "abc"])
def test_choices_of_a_field_without_choices_or_unknown_is_2006(keyed, attributes, field_id):
    if field_id == "note":
        field_id = attributes["note"].field_id

    data = assert_reply(keyed.choices(field_id), 400, 2006)

    assert data == ""


def test_another_organizations_attribute_choices_are_unknown(keyed, org, other_org):
    for name in ("a", "b", "c"):
        factories.make_attribute(other_org, name)
    only_theirs = factories.make_attribute(other_org, "d")

    assert_reply(keyed.choices(only_theirs.field_id), 400, 2006)


def test_field_registry_reads_need_a_read_scope(org):
    writer = KeyedApi(factories.make_key(org, scopes=["contacts:write"]))
    reader = KeyedApi(factories.make_key(org, scopes=["settings:read"]))

    assert_reply(writer.fields(), 403, 1)
    assert_reply(reader.fields(), 200, 0, "OK")
