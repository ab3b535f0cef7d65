"""Native FULL update (PUT /rest/contacts/{org}/{id}; DESIGN §4, §5.1, §9): round trips that
send the whole contact and read it back. Every rejection also proves nothing changed."""

import copy

import pytest

from attributes.models import DataType, DisplayFormat
from contacts.models import Tag
from paths.models import PathKind
from tests import factories
from tests.dialects.native.conftest import rich_values
from tests.dialects.native.helpers import assert_error, assert_ok, minimal, seed_contact

# DESIGN §5.1 "Cleared values": what a FULL omission (or null, or "") leaves in each scalar.
CLEARED = {
    "middleInitial": "",
    "suffix": "",
    "title": "",
    "email": "",
    "phone": "",
    "phoneHome": "",
    "fax": "",
    "timezoneId": "",
    "preferredEmailFormat": "html",
    "status": "on",
    "companyName": "",
    "companyPosition": "",
    "department": "",
    "industry": "",
    "linkedinUrl": "",
    "birthDate": None,
    "gender": "unknown",
    "maritalStatus": "unknown",
    "educationLevel": "",
    "countryId": 1,
    "cityId": 1,
    "hashKey": "",
    "customFields": {},
}
LISTS = ("topics", "tags", "addresses", "paths", "contactAttributes")


def frame(**overrides) -> dict:
    return {"name": "night", "days": [1, 7], "fromHour": 22, "fromMin": 30, "toHour": 6, "toMin": 15, **overrides}


def phone(**overrides) -> dict:
    return {"prompt": "phone", "value": "+442079460000", "countryCode": "GB", **overrides}


# --- omitted scalars and lists ------------------------------------------------------------------


@pytest.mark.parametrize("how", ["omitted", "null", "empty string"])
def test_scalars_not_sent_are_cleared(api, rich, how):
    body = minimal()
    if how != "omitted":
        body.update(dict.fromkeys(CLEARED, None if how == "null" else ""))

    assert_ok(api.put(rich, body))

    after = api.get(rich)
    assert {name: after[name] for name in CLEARED} == CLEARED
    assert (after["firstName"], after["lastName"], after["externalId"]) == ("F", "L", "001")
    assert after["version"] == 2


@pytest.mark.parametrize("field", LISTS)
def test_an_omitted_list_is_emptied(api, rich, field):
    assert api.get(rich)[field]

    assert_ok(api.put(rich, minimal()))

    assert api.get(rich)[field] == []


def test_sent_lists_replace_the_stored_ones(api, refs, rich):
    body = minimal(
        topics=[refs.topics[1].pk],
        tags=["vip", "brand-new"],
        addresses=[{"locationName": "Office", "city": "Paris", "gisLocation": {"lat": 48.85, "lon": 2.35}}],
        paths=[{"prompt": "email", "value": "countess@example.com"}],
        contactAttributes=[{"name": "attr1", "values": ["option2"]}],
    )

    assert_ok(api.put(rich, body))

    after = api.get(rich)
    assert after["topics"] == [refs.topics[1].pk]
    assert sorted(after["tags"]) == ["brand-new", "vip"]  # tags are a set of names; order is not promised
    assert after["addresses"] == [
        {
            "locationName": "Office",
            "streetAddress": "",
            "suite": "",
            "city": "Paris",
            "state": "",
            "postalCode": "",
            "country": "",
            "gisLocation": {"lat": 48.85, "lon": 2.35},
        }
    ]
    assert after["paths"] == [
        {
            "pathId": refs.email.pk,
            "prompt": "email",
            "value": "countess@example.com",
            "countryCode": "",
            "skipValidation": False,
            "quietTimeFrames": [],
        }
    ]
    assert after["contactAttributes"] == [{"orgAttrId": refs.attr.pk, "name": "attr1", "values": ["option2"]}]


def test_path_order_is_the_order_of_preference(api, refs, rich):
    body = minimal(paths=[{"prompt": "email", "value": "a@example.com"}, phone(quietTimeFrames=[])])

    assert_ok(api.put(rich, body))

    assert [path["prompt"] for path in api.get(rich)["paths"]] == ["email", "phone"]


def test_an_element_left_out_of_a_list_is_removed(api, refs, rich):
    addresses = api.get(rich)["addresses"]

    assert_ok(api.put(rich, minimal(addresses=addresses[1:], topics=[refs.topics[0].pk], tags=["early"])))

    after = api.get(rich)
    assert [address["locationName"] for address in after["addresses"]] == ["Work"]
    assert after["topics"] == [refs.topics[0].pk]
    assert after["tags"] == ["early"]


def test_unknown_tags_are_created(api, org, plain):
    assert_ok(api.put(plain, minimal(tags=["fresh"])))

    assert api.get(plain)["tags"] == ["fresh"]
    assert Tag.objects.filter(organization=org, name="fresh").exists()


# --- groups are add-only --------------------------------------------------------------------


def test_put_without_groups_keeps_them(api, refs, rich):
    assert_ok(api.put(rich, minimal()))

    assert api.get(rich)["groupsName"] == ["group1"]


@pytest.mark.parametrize(
    "ids, names, expected",
    [
        ([1], None, ["group1", "group2"]),
        (None, ["group3"], ["group1", "group3"]),
        ([1], ["group3"], ["group1", "group2", "group3"]),
        ([0, 1], ["group2"], ["group1", "group2"]),
        ([], None, ["group1"]),
        (None, [], ["group1"]),
    ],
)
def test_put_with_groups_only_adds(api, refs, rich, ids, names, expected):
    """``ids`` index ``refs.groups``; ``groups`` and ``groupsName`` together are a union."""
    extra = {}
    if ids is not None:
        extra["groups"] = [refs.groups[index].pk for index in ids]
    if names is not None:
        extra["groupsName"] = names

    assert_ok(api.put(rich, minimal(**extra)))

    after = api.get(rich)
    assert after["groupsName"] == expected
    assert after["groups"] == sorted(group.pk for group in refs.groups if group.name in expected)


# --- identity -------------------------------------------------------------------------------


def test_id_in_the_body_is_ignored(api, org, refs, plain):
    other = seed_contact(org, external_id="002", first_name="Other", last_name="One", record_type_name="Employee")
    other_before = api.snapshot(other)

    assert_ok(api.put(plain, minimal(id=other, firstName="Renamed")))

    assert api.get(plain)["firstName"] == "Renamed"
    assert api.get(plain)["id"] == plain
    api.assert_unchanged(other_before)


def test_a_new_external_id_changes_it(api, plain):
    assert_ok(api.put(plain, minimal(externalId="002")))

    assert api.get(plain)["externalId"] == "002"
    assert api.history(plain)[0]["changes"]["externalId"] == {"before": "001", "after": "002"}


def test_an_external_id_held_by_another_contact_is_refused(api, org, plain):
    other = seed_contact(org, external_id="002", first_name="Other", last_name="One", record_type_name="Employee")
    snapshot, other_snapshot = api.snapshot(plain), api.snapshot(other)

    response = api.put(plain, minimal(externalId="002", title="changed"))

    assert_error(response, 400, "VALIDATION_ERROR", ["/externalId"])
    api.assert_unchanged(snapshot)
    api.assert_unchanged(other_snapshot)


# --- required fields ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "removed, pointer",
    [
        ("firstName", "/firstName"),
        ("lastName", "/lastName"),
        ("externalId", "/externalId"),
        ("recordTypeName", "/recordTypeId"),
    ],
)
@pytest.mark.parametrize("how", ["omitted", "null", "empty string"])
def test_a_missing_required_field_is_named(api, plain, removed, pointer, how):
    snapshot = api.snapshot(plain)
    body = minimal(title="changed")
    if how == "omitted":
        del body[removed]
    else:
        body[removed] = None if how == "null" else ""

    body = assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", [pointer])

    assert list(body["errors"]) == [pointer]
    api.assert_unchanged(snapshot)


def test_every_missing_required_field_is_named_at_once(api, plain):
    snapshot = api.snapshot(plain)

    body = assert_error(api.put(plain, {"title": "x"}), 400, "VALIDATION_ERROR")

    assert set(body["errors"]) == {"/firstName", "/lastName", "/externalId", "/recordTypeId"}
    api.assert_unchanged(snapshot)


# --- quiet time frames ------------------------------------------------------------------------


def test_frames_absent_keep_the_stored_frames_of_a_kept_path(api, rich):
    stored = api.get(rich)["paths"][0]["quietTimeFrames"]

    assert_ok(api.put(rich, minimal(timezoneId="Europe/London", paths=[phone(value="+442079460001")])))

    [path] = api.get(rich)["paths"]
    assert path["value"] == "+442079460001"
    assert path["quietTimeFrames"] == stored == [frame()]


def test_an_empty_frame_list_removes_the_frames(api, rich):
    assert_ok(api.put(rich, minimal(paths=[phone(quietTimeFrames=[])])))

    assert api.get(rich)["paths"][0]["quietTimeFrames"] == []


def test_a_frame_list_replaces_the_frames(api, rich):
    frames = [frame(name="lunch", days=[2, 3, 4, 5, 6], fromHour=12, fromMin=0, toHour=13, toMin=0), frame()]

    assert_ok(api.put(rich, minimal(timezoneId="Asia/Tokyo", paths=[phone(quietTimeFrames=frames)])))

    after = api.get(rich)
    assert after["paths"][0]["quietTimeFrames"] == frames
    assert after["timezoneId"] == "Asia/Tokyo"


def test_a_new_path_without_frames_has_none(api, plain):
    assert_ok(api.put(plain, minimal(paths=[{"prompt": "email", "value": "x@example.com"}])))

    assert api.get(plain)["paths"][0]["quietTimeFrames"] == []


def test_kept_frames_need_a_time_zone(api, rich):
    """FULL with ``timezoneId`` omitted clears it; kept frames then make it a 400 (§5.1)."""
    snapshot = api.snapshot(rich)

    assert_error(api.put(rich, minimal(paths=[phone()])), 400, "VALIDATION_ERROR", ["/timezoneId"])

    api.assert_unchanged(snapshot)


def test_new_frames_need_a_time_zone(api, plain):
    snapshot = api.snapshot(plain)
    body = minimal(paths=[phone(value="+8617525889654", countryCode="CN", quietTimeFrames=[frame()])])

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/timezoneId"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "europe/paris", "GMT+5 ", 5])
def test_an_invalid_time_zone_is_refused(api, rich, zone):
    snapshot = api.snapshot(rich)

    assert_error(api.put(rich, minimal(timezoneId=zone)), 400, "VALIDATION_ERROR", ["/timezoneId"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"days": [0]}, "days"),
        ({"days": [8]}, "days"),
        ({"days": [1, 9]}, "days"),
        ({"days": []}, "days"),
        ({"days": "1"}, "days"),
        ({"fromHour": 24}, "fromHour"),
        ({"fromHour": -1}, "fromHour"),
        ({"toHour": 24}, "toHour"),
        ({"fromMin": 60}, "fromMin"),
        ({"toMin": 60}, "toMin"),
        ({"toMin": -1}, "toMin"),
        ({"fromHour": "22"}, "fromHour"),
        ({"fromHour": 22.5}, "fromHour"),
        ({"fromHour": True}, "fromHour"),
    ],
)
def test_a_frame_out_of_range_is_refused(api, rich, overrides, field):
    snapshot = api.snapshot(rich)
    body = minimal(timezoneId="Europe/London", paths=[phone(quietTimeFrames=[frame(**overrides)])])

    response = api.put(rich, body)

    assert_error(response, 400, "VALIDATION_ERROR", [f"/paths/0/quietTimeFrames/0/{field}"])
    api.assert_unchanged(snapshot)


def test_the_second_frame_of_the_second_path_is_pointed_at(api, rich):
    snapshot = api.snapshot(rich)
    body = minimal(
        timezoneId="Europe/London",
        paths=[
            {"prompt": "email", "value": "a@example.com"},
            phone(quietTimeFrames=[frame(), frame(name="late", toMin=60)]),
        ],
    )

    body = assert_error(api.put(rich, body), 400, "VALIDATION_ERROR", ["/paths/1/quietTimeFrames/1/toMin"])

    assert list(body["errors"]) == ["/paths/1/quietTimeFrames/1/toMin"]
    api.assert_unchanged(snapshot)


# --- names and ids ---------------------------------------------------------------------------


def test_every_unknown_name_and_id_is_listed(api, org, other_org, refs, plain):
    foreign_group = factories.make_group(other_org, "foreign")
    snapshot = api.snapshot(plain)
    body = minimal(
        recordTypeName="Nope",
        groups=[refs.groups[0].pk, 987654321, foreign_group.pk],
        groupsName=["group2", "ghost", "foreign"],
        topics=[987654322],
        contactAttributes=[{"name": "attr1", "values": ["option1"]}, {"name": "no-such-attribute", "values": ["x"]}],
        paths=[{"prompt": "pager", "value": "123"}],
    )

    body = assert_error(api.put(plain, body), 400, "VALIDATION_ERROR")

    assert set(body["errors"]) == {
        "/recordTypeName",
        "/groups/1",
        "/groups/2",
        "/groupsName/1",
        "/groupsName/2",
        "/topics/0",
        "/contactAttributes/1/name",
        "/paths/0/prompt",
    }
    api.assert_unchanged(snapshot)


def foreign_reference(other_org, kind: str) -> tuple[dict, str]:
    """A body fragment naming ``other_org``'s object of ``kind``, and where the error goes."""
    if kind == "group id":
        return {"groups": [factories.make_group(other_org, "group1").pk]}, "/groups/0"
    if kind == "group name":
        factories.make_group(other_org, "only-there")
        return {"groupsName": ["only-there"]}, "/groupsName/0"
    if kind == "record type id":
        return {"recordTypeId": factories.make_record_type(other_org, "Theirs", is_default=False).pk}, "/recordTypeId"
    if kind == "record type name":
        factories.make_record_type(other_org, "Theirs", is_default=False)
        return {"recordTypeName": "Theirs"}, "/recordTypeName"
    if kind == "topic id":
        return {"topics": [factories.make_topic(other_org, "topic1").pk]}, "/topics/0"
    if kind == "attribute id":
        attribute = factories.make_attribute(other_org, "attr1")
        return {
            "contactAttributes": [{"orgAttrId": attribute.pk, "values": ["option1"]}]
        }, "/contactAttributes/0/orgAttrId"
    if kind == "attribute name":
        factories.make_attribute(other_org, "theirs")
        return {"contactAttributes": [{"name": "theirs", "values": ["option1"]}]}, "/contactAttributes/0/name"
    if kind == "path id":
        path = factories.make_path(other_org, "phone")
        return {"paths": [{"pathId": path.pk, "value": "+8617525889654"}]}, "/paths/0/pathId"
    if kind == "path prompt":
        factories.make_path(other_org, "fax-line", kind=PathKind.OTHER)
        return {"paths": [{"prompt": "fax-line", "value": "123"}]}, "/paths/0/prompt"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "group id",
        "group name",
        "record type id",
        "record type name",
        "topic id",
        "attribute id",
        "attribute name",
        "path id",
        "path prompt",
    ],
)
def test_another_organizations_objects_are_unknown(api, other_org, refs, plain, kind):
    fragment, pointer = foreign_reference(other_org, kind)
    snapshot = api.snapshot(plain)

    body = assert_error(api.put(plain, minimal(**fragment)), 400, "VALIDATION_ERROR", [pointer])

    assert list(body["errors"]) == [pointer]
    api.assert_unchanged(snapshot)


# --- attribute values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "definition, values, pointer",
    [
        (("attr1", DataType.STRING, DisplayFormat.MULTIPLE_CHOICE, None), ["option9"], "/contactAttributes/0/values/0"),
        (
            ("attr1", DataType.STRING, DisplayFormat.MULTIPLE_CHOICE, None),
            ["option1", "nope"],
            "/contactAttributes/0/values/1",
        ),
        (
            ("single", DataType.STRING, DisplayFormat.SINGLE_CHOICE, ["a", "b"]),
            ["a", "b"],
            "/contactAttributes/0/values",
        ),
        (("single", DataType.STRING, DisplayFormat.SINGLE_CHOICE, ["a", "b"]), ["c"], "/contactAttributes/0/values/0"),
        (("number", DataType.NUMBER, DisplayFormat.FREE_TEXT, []), ["abc"], "/contactAttributes/0/values/0"),
        (("number", DataType.NUMBER, DisplayFormat.FREE_TEXT, []), [True], "/contactAttributes/0/values/0"),
        (("day", DataType.DATE, DisplayFormat.FREE_TEXT, []), ["2020-13-01"], "/contactAttributes/0/values/0"),
        (("text", DataType.STRING, DisplayFormat.FREE_TEXT, []), [5], "/contactAttributes/0/values/0"),
        (("text", DataType.STRING, DisplayFormat.FREE_TEXT, []), ["x" * 256], "/contactAttributes/0/values/0"),
    ],
)
def test_an_attribute_value_that_does_not_fit_is_refused(api, org, refs, plain, definition, values, pointer):
    name, data_type, display_format, defined = definition
    if name != "attr1":
        factories.make_attribute(org, name, data_type=data_type, display_format=display_format, defined_values=defined)
    snapshot = api.snapshot(plain)

    response = api.put(plain, minimal(contactAttributes=[{"name": name, "values": values}]))

    assert_error(response, 400, "VALIDATION_ERROR", [pointer])
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "definition, values, stored",
    [
        (("number", DataType.NUMBER, DisplayFormat.FREE_TEXT, []), [42, "3.5"], [42, "3.5"]),
        (("day", DataType.DATE, DisplayFormat.FREE_TEXT, []), ["2020-02-29"], ["2020-02-29"]),
        (("single", DataType.STRING, DisplayFormat.SINGLE_CHOICE, ["a", "b"]), ["b"], ["b"]),
    ],
)
def test_attribute_values_that_fit_are_stored(api, org, plain, definition, values, stored):
    name, data_type, display_format, defined = definition
    attribute = factories.make_attribute(
        org, name, data_type=data_type, display_format=display_format, defined_values=defined
    )

    assert_ok(api.put(plain, minimal(contactAttributes=[{"name": name, "values": values}])))

    assert api.get(plain)["contactAttributes"] == [{"orgAttrId": attribute.pk, "name": name, "values": stored}]


# --- path values and email ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        {"prompt": "phone", "value": "12345", "countryCode": "CN"},
        {"prompt": "phone", "value": "17525889654"},
        {"prompt": "phone", "value": "not a number", "countryCode": "CN"},
        {"prompt": "phone", "value": "", "countryCode": "CN"},
        {"prompt": "email", "value": "not-an-email"},
        {"prompt": "email", "value": "a@b@example.com"},
    ],
)
def test_an_invalid_path_value_is_refused(api, refs, plain, path):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(paths=[path])), 400, "VALIDATION_ERROR", ["/paths/0/value"])

    api.assert_unchanged(snapshot)


def test_an_invalid_country_code_is_refused(api, refs, plain):
    snapshot = api.snapshot(plain)
    body = minimal(paths=[{"prompt": "phone", "value": "17525889654", "countryCode": "CHN"}])

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/paths/0/countryCode"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "value, country, stored",
    [
        ("17525889654", "cn", "+8617525889654"),
        ("+86 175-2588-9654", "", "+8617525889654"),
        ("(175) 2588 9654", "CN", "+8617525889654"),
    ],
)
def test_phone_values_are_stored_in_e164(api, refs, plain, value, country, stored):
    assert_ok(api.put(plain, minimal(paths=[{"prompt": "phone", "value": value, "countryCode": country}])))

    [path] = api.get(plain)["paths"]
    assert path["value"] == stored
    assert path["countryCode"] == country.upper()


def test_skip_validation_stores_the_value_as_sent(api, refs, plain):
    path = {"prompt": "phone", "value": "12345 ext. 6", "countryCode": "CN", "skipValidation": True}

    assert_ok(api.put(plain, minimal(paths=[path])))

    [stored] = api.get(plain)["paths"]
    assert (stored["value"], stored["skipValidation"]) == ("12345 ext. 6", True)


def test_the_same_path_twice_is_refused(api, refs, plain):
    snapshot = api.snapshot(plain)
    body = minimal(paths=[phone(), {"pathId": refs.phone.pk, "value": "+442079460001"}])

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/paths/1"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-email"),
        ("gender", "robot"),
        ("maritalStatus", "complicated"),
        ("status", "maybe"),
        ("preferredEmailFormat", "pdf"),
        ("birthDate", "1815-13-10"),
        ("birthDate", "10/12/1815"),
        ("customFields", "not an object"),
        ("customFields", [1, 2]),
        ("tags", "vip"),
        ("topics", 3),
        ("addresses", {"city": "Paris"}),
        ("paths", "phone"),
        ("contactAttributes", {"name": "attr1"}),
        ("groups", "group1"),
        ("firstName", ["F"]),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(api, plain, field, value):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**{field: value})), 400, "VALIDATION_ERROR", [f"/{field}"])

    api.assert_unchanged(snapshot)


def test_the_same_attribute_twice_is_refused(api, refs, plain):
    snapshot = api.snapshot(plain)
    body = minimal(
        contactAttributes=[{"name": "attr1", "values": ["option1"]}, {"orgAttrId": refs.attr.pk, "values": ["option2"]}]
    )

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/contactAttributes/1"])

    api.assert_unchanged(snapshot)


def test_an_attribute_with_no_values_is_removed(api, refs, rich):
    assert_ok(api.put(rich, minimal(contactAttributes=[{"name": "attr1", "values": []}])))

    assert api.get(rich)["contactAttributes"] == []


def test_an_address_coordinate_out_of_range_is_pointed_at(api, plain):
    snapshot = api.snapshot(plain)
    body = minimal(addresses=[{"city": "Nowhere", "gisLocation": {"lat": 91, "lon": 0}}])

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/addresses/0/gisLocation/lat"])

    api.assert_unchanged(snapshot)


# --- read-only fields ------------------------------------------------------------------------------


def test_put_of_the_unchanged_get_body_is_a_no_op(api, rich):
    snapshot = api.snapshot(rich)

    response = api.put(rich, snapshot.contact)

    assert assert_ok(response) == snapshot.contact
    api.assert_unchanged(snapshot)


def test_timestamps_are_compared_as_instants(api, rich):
    snapshot = api.snapshot(rich)
    body = dict(snapshot.contact)
    body["createdAt"] = body["createdAt"].replace("Z", "+00:00")
    body["updatedAt"] = body["updatedAt"].replace("Z", "+00:00")

    assert_ok(api.put(rich, body))

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "field, value",
    [
        ("uid", "cnt_aaaaaaaaaaaa"),
        ("createdAt", "2001-01-01T00:00:00.000000Z"),
        ("updatedAt", "2001-01-01T00:00:00.000000Z"),
        ("version", 7),
        ("score", 9.5),
        ("rating", 5),
        ("emailStatus", "bounced"),
        ("emailBounceHardCount", 3),
        ("emailMessageIds", ["m-1"]),
        ("messageLinkClicksUnique", 1),
        ("createdSourceId", "SOURCE"),
        ("modifiedSourceId", "SOURCE"),
    ],
)
def test_a_different_read_only_value_is_refused(api, refs, rich, field, value):
    snapshot = api.snapshot(rich)
    body = dict(snapshot.contact)
    body[field] = refs.source.pk if value == "SOURCE" else value

    body = assert_error(api.put(rich, body), 400, "VALIDATION_ERROR", [f"/{field}"])

    assert list(body["errors"]) == [f"/{field}"]
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "path, pointer",
    [
        ((), "/nickname"),
        (("paths", 0), "/paths/0/nickname"),
        (("paths", 0, "quietTimeFrames", 0), "/paths/0/quietTimeFrames/0/nickname"),
        (("addresses", 0), "/addresses/0/nickname"),
        (("contactAttributes", 0), "/contactAttributes/0/nickname"),
    ],
)
def test_an_unknown_key_is_named(api, rich, path, pointer):
    snapshot = api.snapshot(rich)
    body = copy.deepcopy(snapshot.contact)
    target = body
    for token in path:
        target = target[token]
    target["nickname"] = "x"

    body = assert_error(api.put(rich, body), 400, "VALIDATION_ERROR", [pointer])

    assert list(body["errors"]) == [pointer]
    api.assert_unchanged(snapshot)


# --- lengths and ranges ---------------------------------------------------------------------------


def long_email(length: int) -> str:
    domain = "b" * 63 + "." + "b" * 63 + "." + "c" * (length - 64 - 1 - 128)
    return "a" * 64 + "@" + domain


@pytest.mark.parametrize(
    "field, longest",
    [
        ("firstName", 100),
        ("lastName", 100),
        ("middleInitial", 100),
        ("suffix", 100),
        ("title", 255),
        ("companyName", 255),
        ("companyPosition", 255),
        ("department", 255),
        ("industry", 255),
        ("educationLevel", 255),
        ("phone", 255),
        ("phoneHome", 255),
        ("fax", 255),
        ("hashKey", 255),
        ("externalId", 255),
        ("linkedinUrl", 500),
        ("email", 254),
    ],
)
def test_text_lengths(api, plain, field, longest):
    def text(length: int) -> str:
        return long_email(length) if field == "email" else "x" * length

    assert_ok(api.put(plain, minimal(**{field: text(longest)})))
    assert api.get(plain)[field] == text(longest)
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**{field: text(longest + 1)})), 400, "VALIDATION_ERROR", [f"/{field}"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"tags": ["x" * 101]}, "/tags/0"),
        ({"addresses": [{"city": "x" * 256}]}, "/addresses/0/city"),
        ({"paths": [{"prompt": "phone", "value": "1" * 256, "skipValidation": True}]}, "/paths/0/value"),
    ],
)
def test_nested_text_lengths(api, refs, plain, body, pointer):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**body)), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


def test_custom_fields_are_measured_in_utf8_bytes(api, plain):
    snapshot = api.snapshot(plain)

    response = api.put(plain, minimal(customFields={"blob": "é" * 40_000}))

    assert_error(response, 400, "VALIDATION_ERROR", ["/customFields"])
    api.assert_unchanged(snapshot)


def test_custom_fields_up_to_64_kib(api, plain):
    fits = {"blob": "x" * (64 * 1024 - 20)}
    assert_ok(api.put(plain, minimal(customFields=fits)))
    assert api.get(plain)["customFields"] == fits
    snapshot = api.snapshot(plain)

    response = api.put(plain, minimal(customFields={"blob": "x" * (64 * 1024)}))

    assert_error(response, 400, "VALIDATION_ERROR", ["/customFields"])
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "field, value",
    [
        ("countryId", 2**40),
        ("countryId", 2**31),
        ("cityId", -(2**31) - 1),
        ("countryId", 1.5),
        ("countryId", "abc"),
        ("cityId", True),
    ],
)
def test_an_integer_out_of_range_or_not_an_integer_is_refused(api, plain, field, value):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**{field: value})), 400, "VALIDATION_ERROR", [f"/{field}"])

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("value", [2**31 - 1, -(2**31), "42"])
def test_integers_within_32_bits_are_stored(api, plain, value):
    assert_ok(api.put(plain, minimal(countryId=value)))

    assert api.get(plain)["countryId"] == int(value)


@pytest.mark.parametrize("field", ["recordTypeId", "groups", "topics"])
def test_an_id_beyond_64_bits_is_unknown_not_an_overflow(api, plain, field):
    snapshot = api.snapshot(plain)
    value = [2**70] if field != "recordTypeId" else 2**70

    response = api.put(plain, minimal(**{field: value}))

    assert_error(response, 400, "VALIDATION_ERROR")
    api.assert_unchanged(snapshot)


# --- bodies that are not contacts ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "null", "true", '[{"firstName": "F"}]'])
def test_a_body_that_is_not_an_object_is_refused(api, plain, raw):
    snapshot = api.snapshot(plain)

    assert_error(api.send_raw("put", api.url(plain), raw), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("raw", ['{"firstName": ', "{'firstName': 'F'}", '{"firstName": NaN}', "\xff\xfe", "{]"])
def test_malformed_json_is_a_400_not_a_500(api, plain, raw):
    snapshot = api.snapshot(plain)

    assert_error(api.send_raw("put", api.url(plain), raw), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


# --- inputs that once reached the database unchecked -------------------------------------------


@pytest.mark.parametrize("value", ["--5", "²"])
def test_an_integer_string_that_is_not_a_number_is_a_400(api, plain, value):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(countryId=value)), 400, "VALIDATION_ERROR", ["/countryId"])

    api.assert_unchanged(snapshot)


def test_a_huge_integer_for_a_read_only_float_is_a_400(api, rich):
    snapshot = api.snapshot(rich)

    body = assert_error(api.put(rich, {**snapshot.contact, "score": 10**400}), 400, "VALIDATION_ERROR", ["/score"])

    assert list(body["errors"]) == ["/score"]
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "fragment, pointer",
    [
        ('"customFields": {"x": 1e400}', "/customFields/x"),
        ('"contactAttributes": [{"name": "number", "values": [1e400]}]', "/contactAttributes/0/values/0"),
    ],
)
def test_a_number_beyond_float_range_is_a_400(api, org, plain, fragment, pointer):
    factories.make_attribute(org, "number", data_type=DataType.NUMBER, display_format=DisplayFormat.FREE_TEXT)
    snapshot = api.snapshot(plain)
    raw = '{"firstName": "F", "lastName": "L", "externalId": "001", "recordTypeName": "Employee", ' + fragment + "}"

    assert_error(api.send_raw("put", api.url(plain), raw), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


def test_deeply_nested_json_is_a_400(api, plain):
    snapshot = api.snapshot(plain)
    raw = '{"customFields": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}"

    assert_error(api.send_raw("put", api.url(plain), raw), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"paths": [{"prompt": "phone", "value": "17525889654", "country_code": "CN"}]}, "/paths/0/country_code"),
        ({"addresses": [{"location_name": "Home"}]}, "/addresses/0/location_name"),
        ({"contactAttributes": [{"org_attr_id": "ATTR", "values": ["option1"]}]}, "/contactAttributes/0/org_attr_id"),
    ],
)
def test_snake_case_nested_keys_are_unknown(api, refs, plain, body, pointer):
    if "contactAttributes" in body:
        body = {"contactAttributes": [{"org_attr_id": refs.attr.pk, "values": ["option1"]}]}
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**body)), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


def test_an_unknown_gis_location_key_is_pointed_at(api, plain):
    snapshot = api.snapshot(plain)
    body = minimal(addresses=[{"city": "Paris", "gisLocation": {"lat": 48.8, "lon": 2.3, "alt": 35}}])

    assert_error(api.put(plain, body), 400, "VALIDATION_ERROR", ["/addresses/0/gisLocation/alt"])

    api.assert_unchanged(snapshot)


def test_put_of_the_get_body_keeps_a_lone_latitude(api, org, refs):
    contact_id = seed_contact(org, **(rich_values(refs) | {"addresses": [{"location_name": "Pier", "latitude": 51.5}]}))
    snapshot = api.snapshot(contact_id)

    assert_ok(api.put(contact_id, snapshot.contact))

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize(
    "body, pointer",
    [
        ({"title": "a\x00b"}, "/title"),
        ({"customFields": {"a": "b\x00"}}, "/customFields/a"),
        ({"tags": ["a\x00"]}, "/tags/0"),
    ],
)
def test_a_nul_character_is_refused(api, plain, body, pointer):
    snapshot = api.snapshot(plain)

    assert_error(api.put(plain, minimal(**body)), 400, "VALIDATION_ERROR", [pointer])

    api.assert_unchanged(snapshot)


def test_a_lone_surrogate_is_refused(api, plain):
    snapshot = api.snapshot(plain)
    raw = '{"firstName": "F", "lastName": "L", "externalId": "001", "recordTypeName": "Employee", "title": "\\ud800"}'

    assert_error(api.send_raw("put", api.url(plain), raw), 400, "VALIDATION_ERROR", ["/title"])

    api.assert_unchanged(snapshot)


def test_a_record_type_name_that_is_not_text_is_refused_beside_a_valid_id(api, refs, rich):
    before = api.snapshot(rich)
    body = {**api.get(rich), "recordTypeId": refs.employee.pk, "recordTypeName": {}}

    assert_error(api.put(rich, body), 400, "VALIDATION_ERROR", ["/recordTypeName"])
    api.assert_unchanged(before)


@pytest.mark.parametrize(("sent", "stored"), [(" 44 ", 44), ("-7", -7), (12, 12)])
def test_integer_fields_take_digits_as_text_as_documented(api, rich, sent, stored):
    body = {**api.get(rich), "countryId": sent}

    assert assert_ok(api.put(rich, body))["countryId"] == stored
    assert api.get(rich)["countryId"] == stored
