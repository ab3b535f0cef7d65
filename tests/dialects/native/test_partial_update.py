"""Native PARTIAL update (PATCH /rest/contacts/{org}/{id} with a JSON object; DESIGN §4):
only the fields present change, null or "" clears a scalar, a present list replaces the
stored one, groups are still only added."""

import pytest

from tests.dialects.native.helpers import assert_error, assert_ok, seed_contact

# A scalar for each kind of field, a new value, and its cleared value (DESIGN §5.1).
SCALARS = [
    ("firstName", "Augusta", ""),
    ("title", "Lady", ""),
    ("email", "augusta@example.com", ""),
    ("timezoneId", "Asia/Tokyo", None),  # cleared: see test_clearing_the_time_zone_with_frames_is_refused
    ("preferredEmailFormat", "html", "html"),
    ("status", "suppressed", "on"),
    ("gender", "male", "unknown"),
    ("maritalStatus", "single", "unknown"),
    ("birthDate", "1816-01-01", None),
    ("countryId", 33, 1),
    ("cityId", 9, 1),
    ("customFields", {"hat": 7}, {}),
    ("linkedinUrl", "https://example.com/a", ""),
]


@pytest.mark.parametrize("field, value, _cleared", SCALARS)
def test_only_the_fields_present_change(api, rich, field, value, _cleared):
    before = api.get(rich)

    response = api.patch(rich, {field: value})

    assert assert_ok(response)[field] == value
    after = api.get(rich)
    assert after[field] == value
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= {field, "version", "updatedAt"}
    assert after["version"] == before["version"] + (1 if before[field] != value else 0)


@pytest.mark.parametrize("field, _value, cleared", [row for row in SCALARS if row[0] != "timezoneId"])
@pytest.mark.parametrize("empty", [None, ""])
def test_null_or_empty_string_clears_a_scalar(api, rich, field, _value, cleared, empty):
    before = api.get(rich)

    assert_ok(api.patch(rich, {field: empty}))

    after = api.get(rich)
    assert after[field] == cleared
    assert {name for name in after if after[name] != before[name]} <= {field, "version", "updatedAt"}


def test_clearing_the_time_zone_with_frames_is_refused(api, rich):
    """The stored frames of the phone path still need a time zone (DESIGN §4, PARTIAL)."""
    snapshot = api.snapshot(rich)

    assert_error(api.patch(rich, {"timezoneId": None}), 400, "VALIDATION_ERROR", ["/timezoneId"])

    api.assert_unchanged(snapshot)


def test_frames_added_by_patch_use_the_stored_time_zone(api, refs, plain):
    assert_ok(api.patch(plain, {"timezoneId": "Asia/Shanghai"}))
    frames = [{"name": "night", "days": [1], "fromHour": 23, "fromMin": 0, "toHour": 7, "toMin": 0}]

    response = api.patch(
        plain, {"paths": [{"prompt": "phone", "value": "17525889654", "countryCode": "CN", "quietTimeFrames": frames}]}
    )

    assert_ok(response)
    assert api.get(plain)["paths"][0]["quietTimeFrames"] == frames


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("tags", ["new"], ["new"]),
        ("tags", [], []),
        ("tags", None, []),
        ("topics", "TOPIC2", "TOPIC2"),
        ("addresses", [{"locationName": "Only"}], ["Only"]),
        ("contactAttributes", [{"name": "attr1", "values": ["option2"]}], [["option2"]]),
        ("paths", [{"prompt": "email", "value": "x@example.com"}], ["email"]),
    ],
)
def test_a_present_list_replaces_the_stored_one(api, refs, rich, field, value, expected):
    if value == "TOPIC2":
        value = expected = [refs.topics[1].pk]
    before = api.get(rich)

    assert_ok(api.patch(rich, {field: value}))

    after = api.get(rich)
    shown = after[field]
    if field == "addresses":
        shown = [address["locationName"] for address in shown]
    elif field == "contactAttributes":
        shown = [item["values"] for item in shown]
    elif field == "paths":
        shown = [path["prompt"] for path in shown]
    assert shown == expected
    assert {name for name in after if after[name] != before[name]} <= {field, "version", "updatedAt"}


def test_lists_not_sent_are_kept(api, rich):
    before = api.get(rich)

    assert_ok(api.patch(rich, {"firstName": "Augusta"}))

    after = api.get(rich)
    for field in ("groups", "topics", "tags", "addresses", "paths", "contactAttributes"):
        assert after[field] == before[field], field


def test_a_kept_path_without_frames_keeps_them(api, rich):
    stored = api.get(rich)["paths"]

    assert_ok(api.patch(rich, {"paths": [{"prompt": "phone", "value": "+442079460009", "countryCode": "GB"}]}))

    [path] = api.get(rich)["paths"]
    assert path["value"] == "+442079460009"
    assert path["quietTimeFrames"] == stored[0]["quietTimeFrames"]


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"groupsName": ["group2"]}, ["group1", "group2"]),
        ({"groups": "ID OF group3"}, ["group1", "group3"]),
        ({"groups": []}, ["group1"]),
        ({"groupsName": None}, ["group1"]),
        ({"firstName": "X"}, ["group1"]),
    ],
)
def test_groups_are_only_added(api, refs, rich, body, expected):
    if body.get("groups") == "ID OF group3":
        body = {"groups": [refs.groups[2].pk]}

    assert_ok(api.patch(rich, body))

    assert api.get(rich)["groupsName"] == expected


def test_an_empty_patch_is_a_no_op(api, rich):
    snapshot = api.snapshot(rich)

    assert assert_ok(api.patch(rich, {})) == snapshot.contact

    api.assert_unchanged(snapshot)


def test_a_patch_to_the_stored_values_is_a_no_op(api, rich):
    snapshot = api.snapshot(rich)
    contact = snapshot.contact

    assert_ok(api.patch(rich, {"firstName": contact["firstName"], "tags": contact["tags"], "status": "OFF"}))

    api.assert_unchanged(snapshot)


def test_patch_records_a_partial_history_entry(api, rich):
    assert_ok(api.patch(rich, {"title": "Lady"}))

    [entry, *_] = api.history(rich)
    assert entry["mode"] == "partial"
    assert entry["channel"] == "native"
    assert entry["changes"] == {"title": {"before": "Countess", "after": "Lady"}}


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"firstName": "x" * 101}, "/firstName"),
        ({"gender": "robot"}, "/gender"),
        ({"groupsName": ["ghost"]}, "/groupsName/0"),
        ({"contactAttributes": [{"name": "attr1", "values": ["option9"]}]}, "/contactAttributes/0/values/0"),
        ({"paths": [{"prompt": "phone", "value": "12", "countryCode": "CN"}]}, "/paths/0/value"),
        ({"uid": "cnt_aaaaaaaaaaaa"}, "/uid"),
        ({"nickname": "Ada"}, "/nickname"),
    ],
)
def test_an_invalid_patch_changes_nothing(api, refs, rich, body, pointer):
    snapshot = api.snapshot(rich)

    assert_error(api.patch(rich, {"title": "changed", **body}), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


def test_patch_may_change_the_external_id_but_not_to_a_taken_one(api, org, refs, rich):
    other = seed_contact(org, external_id="002", first_name="O", last_name="T", record_type_name="Employee")
    assert_ok(api.patch(rich, {"externalId": "003"}))
    assert api.get(rich)["externalId"] == "003"
    snapshot = api.snapshot(rich)

    assert_error(api.patch(rich, {"externalId": "002"}), 400, "VALIDATION_ERROR", ["/externalId"])

    api.assert_unchanged(snapshot)
    assert api.get(other)["externalId"] == "002"


@pytest.mark.parametrize("raw", ["[]", '"x"', "null", '{"firstName": '])
def test_a_patch_body_that_is_not_an_object_is_refused(api, rich, raw):
    snapshot = api.snapshot(rich)

    assert_error(api.send_raw("patch", api.url(rich), raw), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("gis", [0, 12.5, "north", [1, 2], True])
def test_a_gis_location_that_is_not_an_object_is_refused(api, plain, gis):
    before = api.get(plain)

    response = api.patch(plain, {"addresses": [{"city": "Oslo", "gisLocation": gis}]})

    assert response.status_code == 400
    assert "/addresses/0/gisLocation/lat" in response.json()["errors"]
    assert api.get(plain)["version"] == before["version"]
