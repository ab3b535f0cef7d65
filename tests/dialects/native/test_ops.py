"""Native PATCH with ``application/json-patch+json`` (OPS, DESIGN §4): add, replace and remove
on fields and keyed array elements, all operations or none."""

import json

import pytest

from tests.dialects.native.helpers import assert_error, assert_ok

PATCH = "application/json-patch+json"


def patch(api, contact_id, operations, **headers):
    return api.client.generic("PATCH", api.url(contact_id), json.dumps(operations), content_type=PATCH, **headers)


def test_scalar_operations(api, rich):
    body = assert_ok(
        patch(
            api,
            rich,
            [
                {"op": "replace", "path": "/firstName", "value": "Augusta"},
                {"op": "add", "path": "/companyName", "value": "Babbage & Co"},
                {"op": "remove", "path": "/title"},
            ],
        )
    )

    stored = api.get(rich)
    assert stored == body
    assert (stored["firstName"], stored["companyName"], stored["title"]) == ("Augusta", "Babbage & Co", "")
    assert stored["lastName"] == "Lovelace" and stored["tags"] == ["vip", "early"]
    entry = api.history(rich)[0]
    assert entry["mode"] == "ops" and set(entry["changes"]) == {"firstName", "companyName", "title"}


def test_groups_are_appended_and_removed_by_id_or_name(api, rich, refs):
    _, group2, group3 = refs.groups

    assert_ok(
        patch(
            api,
            rich,
            [
                {"op": "add", "path": "/groupsName/~", "value": "group2"},
                {"op": "add", "path": "/groups/~", "value": group3.pk},
                {"op": "remove", "path": "/groupsName/value:group1"},
            ],
        )
    )
    assert api.get(rich)["groupsName"] == ["group2", "group3"]

    assert_ok(patch(api, rich, [{"op": "remove", "path": f"/groups/value:{group2.pk}"}]))
    assert api.get(rich)["groups"] == [group3.pk]


def test_attribute_elements_by_id_or_name(api, rich, refs):
    assert_ok(
        patch(api, rich, [{"op": "replace", "path": "/contactAttributes/name:attr1", "value": {"values": ["option2"]}}])
    )
    assert api.get(rich)["contactAttributes"] == [{"orgAttrId": refs.attr.pk, "name": "attr1", "values": ["option2"]}]

    assert_ok(patch(api, rich, [{"op": "remove", "path": f"/contactAttributes/orgAttrId:{refs.attr.pk}"}]))
    assert api.get(rich)["contactAttributes"] == []


def test_path_elements_and_their_quiet_time_frames(api, rich, refs):
    frame = {"name": "night", "days": [2], "fromHour": 23, "fromMin": 0, "toHour": 5, "toMin": 0}

    assert_ok(
        patch(
            api,
            rich,
            [
                {"op": "replace", "path": f"/paths/pathId:{refs.phone.pk}/quietTimeFrames/name:night", "value": frame},
                {"op": "add", "path": "/paths/prompt:phone/quietTimeFrames/~", "value": {**frame, "name": "lunch"}},
                {"op": "replace", "path": "/paths/prompt:email/value", "value": "augusta@example.com"},
            ],
        )
    )

    paths = {path["prompt"]: path for path in api.get(rich)["paths"]}
    assert [f["name"] for f in paths["phone"]["quietTimeFrames"]] == ["night", "lunch"]
    assert paths["phone"]["quietTimeFrames"][0]["fromHour"] == 23
    assert paths["email"]["value"] == "augusta@example.com"

    assert_ok(patch(api, rich, [{"op": "remove", "path": "/paths/prompt:phone/quietTimeFrames/name:lunch"}]))
    assert [f["name"] for f in api.get(rich)["paths"][0]["quietTimeFrames"]] == ["night"]


def test_addresses_by_location_name(api, rich):
    assert_ok(
        patch(
            api,
            rich,
            [
                {"op": "replace", "path": "/addresses/locationName:Work/city", "value": "Oxford"},
                {"op": "remove", "path": "/addresses/locationName:Home"},
                {"op": "add", "path": "/addresses/~", "value": {"locationName": "Cottage", "city": "Bath"}},
            ],
        )
    )

    assert [(a["locationName"], a["city"]) for a in api.get(rich)["addresses"]] == [
        ("Work", "Oxford"),
        ("Cottage", "Bath"),
    ]


@pytest.mark.parametrize(
    "operations, pointer",
    [
        ([{"op": "remove", "path": "/addresses/locationName:Nowhere"}], "/1/path"),
        ([{"op": "replace", "path": "/uid", "value": "cnt_aaaaaaaaaaaa"}], "/1"),
        ([{"op": "move", "path": "/firstName"}], "/1"),
        ([{"op": "replace", "path": "/nope", "value": 1}], "/1"),
        (
            [{"op": "add", "path": "/paths/~", "value": {"prompt": "phone", "country_code": "CN"}}],
            "/1/value/country_code",
        ),
        ([{"op": "remove", "path": "/groupsName/value:nosuchgroup"}], "/1/path"),
        ([{"op": "replace", "path": "/email", "value": "not-an-email"}], "/email"),
    ],
)
def test_one_bad_operation_changes_nothing(api, rich, operations, pointer):
    snapshot = api.snapshot(rich)
    first = {"op": "replace", "path": "/firstName", "value": "Changed"}

    assert_error(patch(api, rich, [first, *operations]), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("body", [{"op": "replace"}, [], "text"])
def test_a_body_that_is_not_an_array_of_operations_is_a_400(api, rich, body):
    snapshot = api.snapshot(rich)

    assert_error(patch(api, rich, body), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


def test_if_match_is_honoured(api, rich):
    snapshot = api.snapshot(rich)
    operations = [{"op": "replace", "path": "/firstName", "value": "Changed"}]

    assert_error(patch(api, rich, operations, HTTP_IF_MATCH=f'"{rich}-99"'), 412, "PRECONDITION_FAILED")
    api.assert_unchanged(snapshot)

    assert_ok(patch(api, rich, operations, HTTP_IF_MATCH=f'"{rich}-{snapshot.contact["version"]}"'))
    assert api.get(rich)["firstName"] == "Changed"
