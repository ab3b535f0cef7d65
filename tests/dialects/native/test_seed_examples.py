"""Seed 002 ("Update Contact"): every request example, sent as written as a PUT to the
existing contact with external id 001, then read back. The seed's ids are swapped for the
ids of the objects this test creates (record type ``Employee``, groups ``group1..3``,
attribute ``attr1``, path ``phone``)."""

import pytest

from tests import factories
from tests.dialects.native.helpers import assert_error, assert_ok

# The seed's ids, replaced by ours in ``substitute``.
SEED_RECORD_TYPE_ID = 1533823015714817
SEED_GROUP_IDS = (1, 2, 3)
SEED_ATTRIBUTE_ID = 1509768514502692
SEED_PATH_ID = 241901148045319

BASE = {"firstName": "F", "lastName": "L", "externalId": "001"}

EXAMPLES = {
    "recordTypeId": {**BASE, "recordTypeId": 1533823015714817},
    "recordTypeName": {**BASE, "recordTypeName": "Employee"},
    "groups": {**BASE, "recordTypeId": 1533823015714817, "groups": [1, 2, 3]},
    "groupsName": {**BASE, "recordTypeId": 1533823015714817, "groupsName": ["group1", "group2", "group3"]},
    "contactAttributes-orgAttrId-and-name": {
        **BASE,
        "recordTypeId": 1533823015714817,
        "contactAttributes": [{"orgAttrId": 1509768514502692, "name": "attr1", "values": ["option1", "option2"]}],
    },
    "contactAttributes-name": {
        **BASE,
        "recordTypeId": 1533823015714817,
        "contactAttributes": [{"name": "attr1", "values": ["option1", "option2"]}],
    },
    "paths-pathId": {
        **BASE,
        "recordTypeId": 1533823015714817,
        "paths": [{"pathId": 241901148045319, "countryCode": "CN", "value": "17525889654"}],
    },
    "paths-prompt": {
        **BASE,
        "recordTypeId": 1533823015714817,
        "paths": [{"prompt": "phone", "countryCode": "CN", "value": "17525889654"}],
    },
}


def substitute(example: dict, refs) -> dict:
    """The example with the seed's ids replaced by the ids of this test's objects."""
    body = dict(example)
    if "recordTypeId" in body:
        body["recordTypeId"] = refs.employee.pk
    if "groups" in body:
        ours = dict(zip(SEED_GROUP_IDS, (group.pk for group in refs.groups), strict=True))
        body["groups"] = [ours[group_id] for group_id in body["groups"]]
    if "contactAttributes" in body:
        body["contactAttributes"] = [
            {**item, "orgAttrId": refs.attr.pk} if "orgAttrId" in item else item for item in body["contactAttributes"]
        ]
    if "paths" in body:
        body["paths"] = [{**item, "pathId": refs.phone.pk} if "pathId" in item else item for item in body["paths"]]
    return body


SEED_PHONE = {
    "prompt": "phone",
    "value": "+8617525889654",
    "countryCode": "CN",
    "skipValidation": False,
    "quietTimeFrames": [],
}


def expected_effect(name: str, refs) -> dict:
    """What GET shows after the example (besides the name fields and the record type)."""
    group_ids = sorted(group.pk for group in refs.groups)
    if name in ("groups", "groupsName"):
        return {"groups": group_ids, "groupsName": ["group1", "group2", "group3"]}
    if name.startswith("contactAttributes"):
        return {"contactAttributes": [{"orgAttrId": refs.attr.pk, "name": "attr1", "values": ["option1", "option2"]}]}
    if name.startswith("paths"):
        return {"paths": [{"pathId": refs.phone.pk, **SEED_PHONE}]}
    return {}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_seed_example_updates_the_contact(api, refs, plain, name):
    before = api.get(plain)
    body = substitute(EXAMPLES[name], refs)

    response = api.put(plain, body)

    assert_ok(response)
    after = api.get(plain)
    assert response.json() == after
    assert (after["firstName"], after["lastName"], after["externalId"]) == ("F", "L", "001")
    assert (after["recordTypeId"], after["recordTypeName"]) == (refs.employee.pk, "Employee")
    assert after["version"] == before["version"] + 1
    effect = expected_effect(name, refs)
    for field, value in effect.items():
        assert after[field] == value, field
    # FULL (seed 002 NOTE 2): everything the example leaves out is emptied — except groups,
    # which a PUT never removes.
    assert after["email"] == ""
    if "paths" not in effect:
        assert after["paths"] == []
    if "contactAttributes" not in effect:
        assert after["contactAttributes"] == []
    if "groups" not in effect:
        assert after["groupsName"] == ["group1"]
    assert api.history(plain)[0]["mode"] == "full"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_seed_example_sent_twice_is_a_no_op(api, refs, plain, name):
    body = substitute(EXAMPLES[name], refs)
    assert_ok(api.put(plain, body))
    snapshot = api.snapshot(plain)

    assert_ok(api.put(plain, body))

    api.assert_unchanged(snapshot)


def test_record_type_id_wins_over_a_different_name(api, refs, plain):
    body = {**BASE, "recordTypeId": refs.employee.pk, "recordTypeName": "Contractor"}

    assert_ok(api.put(plain, body))

    assert api.get(plain)["recordTypeName"] == "Employee"


def test_record_type_id_wins_over_an_unknown_name(api, refs, plain):
    body = {**BASE, "recordTypeId": refs.employee.pk, "recordTypeName": "No such type"}

    assert_ok(api.put(plain, body))

    assert api.get(plain)["recordTypeId"] == refs.employee.pk


def test_unknown_record_type_id_is_refused_even_with_a_known_name(api, refs, plain):
    snapshot = api.snapshot(plain)
    body = {**BASE, "recordTypeId": 987654321, "recordTypeName": "Employee"}

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/recordTypeId"])

    api.assert_unchanged(snapshot)


def test_attribute_id_wins_over_a_different_name(api, org, refs, plain):
    factories.make_attribute(org, "attr2", defined_values=["x"])
    body = {
        **BASE,
        "recordTypeName": "Employee",
        "contactAttributes": [{"orgAttrId": refs.attr.pk, "name": "attr2", "values": ["option2"]}],
    }

    assert_ok(api.put(plain, body))

    assert api.get(plain)["contactAttributes"] == [{"orgAttrId": refs.attr.pk, "name": "attr1", "values": ["option2"]}]


def test_path_id_wins_over_a_different_prompt(api, refs, plain):
    body = {
        **BASE,
        "recordTypeName": "Employee",
        "paths": [{"pathId": refs.phone.pk, "prompt": "email", "countryCode": "CN", "value": "17525889654"}],
    }

    assert_ok(api.put(plain, body))

    assert api.get(plain)["paths"] == [{"pathId": refs.phone.pk, **SEED_PHONE}]
