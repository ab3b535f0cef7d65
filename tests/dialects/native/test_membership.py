"""Group membership (POST/DELETE /rest/groups/{org}/contacts; DESIGN §4, §9): the way to take
a contact out of a group. Read back through the contact and its history."""

import pytest

from tests import factories
from tests.dialects.native.helpers import assert_error, assert_ok, seed_contact


@pytest.fixture
def pair(org, refs) -> list[int]:
    """Contacts 001 (in group1) and 002 (in no group)."""
    common = {"record_type_name": "Employee", "last_name": "Member"}
    return [
        seed_contact(org, external_id="001", first_name="A", group_names=["group1"], **common),
        seed_contact(org, external_id="002", first_name="B", **common),
    ]


def group_body(refs, by: str, name: str = "group2") -> dict:
    group = next(group for group in refs.groups if group.name == name)
    return {"groupId": group.pk} if by == "id" else {"groupName": group.name}


def contacts_body(pair, by: str) -> dict:
    return {"contactIds": pair} if by == "id" else {"externalIds": ["001", "002"]}


@pytest.mark.parametrize("group_by", ["id", "name"])
@pytest.mark.parametrize("contacts_by", ["id", "externalId"])
def test_post_adds_contacts_to_a_group(api, refs, pair, group_by, contacts_by):
    body = {**group_body(refs, group_by), **contacts_body(pair, contacts_by)}

    answer = assert_ok(api.client.post(api.membership_url, body, format="json"))

    assert answer == {"groupId": refs.groups[1].pk, "changed": sorted(pair), "unchanged": []}
    first, second = (api.get(contact_id) for contact_id in pair)
    assert first["groupsName"] == ["group1", "group2"]
    assert second["groupsName"] == ["group2"]
    assert (first["version"], second["version"]) == (2, 2)
    entry = api.history(pair[0])[0]
    assert (entry["channel"], entry["mode"]) == ("native", "partial")
    assert entry["changes"] == {
        "groups": {"before": [refs.groups[0].pk], "after": [refs.groups[0].pk, refs.groups[1].pk]}
    }


@pytest.mark.parametrize("group_by", ["id", "name"])
@pytest.mark.parametrize("contacts_by", ["id", "externalId"])
def test_delete_removes_contacts_from_a_group(api, refs, pair, group_by, contacts_by):
    body = {**group_body(refs, group_by, "group1"), **contacts_body(pair, contacts_by)}

    answer = assert_ok(api.client.delete(api.membership_url, body, format="json"))

    assert answer == {"groupId": refs.groups[0].pk, "changed": [pair[0]], "unchanged": [pair[1]]}
    first, second = (api.get(contact_id) for contact_id in pair)
    assert (first["groups"], first["groupsName"], first["version"]) == ([], [], 2)
    assert second["version"] == 1
    assert api.history(pair[0])[0]["changes"] == {"groups": {"before": [refs.groups[0].pk], "after": []}}
    assert len(api.history(pair[1])) == 1


def test_adding_a_member_again_changes_nothing(api, refs, pair):
    snapshot = api.snapshot(pair[0])

    answer = assert_ok(
        api.client.post(api.membership_url, {"groupName": "group1", "contactIds": [pair[0]]}, format="json")
    )

    assert answer["unchanged"] == [pair[0]]
    api.assert_unchanged(snapshot)


def test_a_full_put_after_removal_does_not_bring_the_group_back(api, refs, pair):
    assert_ok(api.client.delete(api.membership_url, {"groupName": "group1", "externalIds": ["001"]}, format="json"))

    body = {"firstName": "A", "lastName": "Member", "externalId": "001", "recordTypeName": "Employee"}
    assert_ok(api.put(pair[0], body))

    assert api.get(pair[0])["groupsName"] == []


def test_group_id_wins_over_group_name(api, refs, pair):
    body = {"groupId": refs.groups[2].pk, "groupName": "group2", "contactIds": [pair[1]]}

    assert_ok(api.client.post(api.membership_url, body, format="json"))

    assert api.get(pair[1])["groupsName"] == ["group3"]


@pytest.mark.parametrize("method", ["post", "delete"])
@pytest.mark.parametrize(
    "body, pointers",
    [
        ({"groupName": "group1", "contactIds": ["PAIR0", 999999]}, ["/contactIds/1"]),
        ({"groupName": "group1", "contactIds": ["PAIR0", "abc"]}, ["/contactIds/1"]),
        ({"groupName": "group1", "externalIds": ["001", "nope"]}, ["/externalIds/1"]),
        ({"groupName": "ghost", "contactIds": ["PAIR0"]}, ["/groupName"]),
        ({"groupId": 999999, "contactIds": ["PAIR0"]}, ["/groupId"]),
        (
            {"groupId": 999999, "contactIds": [999998], "externalIds": ["nope"]},
            ["/groupId", "/contactIds/0", "/externalIds/0"],
        ),
        ({"contactIds": ["PAIR0"]}, ["/groupId"]),
        ({"groupName": "group1"}, ["/contactIds"]),
        ({"groupName": "group1", "contactIds": "PAIR0"}, ["/contactIds"]),
    ],
)
def test_unknown_contacts_or_groups_are_named_and_nothing_changes(api, refs, pair, method, body, pointers):
    body = {
        key: [pair[0] if v == "PAIR0" else v for v in value] if isinstance(value, list) else value
        for key, value in body.items()
    }
    if body.get("contactIds") == "PAIR0":
        body["contactIds"] = pair[0]
    snapshots = [api.snapshot(contact_id) for contact_id in pair]

    assert_error(
        getattr(api.client, method)(api.membership_url, body, format="json"), 400, "VALIDATION_ERROR", pointers
    )

    for snapshot in snapshots:
        api.assert_unchanged(snapshot)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_another_organizations_contacts_and_groups_are_unknown(api, other_org, refs, pair, method):
    their_group = factories.make_group(other_org, "theirs")
    theirs = seed_contact(other_org, external_id="900", first_name="T", last_name="O", record_type_name="Employee")
    snapshots = [api.snapshot(contact_id) for contact_id in pair]

    by_contact = getattr(api.client, method)(
        api.membership_url, {"groupName": "group1", "contactIds": [theirs]}, format="json"
    )
    by_external = getattr(api.client, method)(
        api.membership_url, {"groupName": "group1", "externalIds": ["900"]}, format="json"
    )
    by_group_id = getattr(api.client, method)(
        api.membership_url, {"groupId": their_group.pk, "contactIds": pair}, format="json"
    )
    by_group_name = getattr(api.client, method)(
        api.membership_url, {"groupName": "theirs", "contactIds": pair}, format="json"
    )

    assert_error(by_contact, 400, "VALIDATION_ERROR", ["/contactIds/0"])
    assert_error(by_external, 400, "VALIDATION_ERROR", ["/externalIds/0"])
    assert_error(by_group_id, 400, "VALIDATION_ERROR", ["/groupId"])
    assert_error(by_group_name, 400, "VALIDATION_ERROR", ["/groupName"])
    for snapshot in snapshots:
        api.assert_unchanged(snapshot)
    assert not their_group.contacts.exists()


@pytest.mark.parametrize("raw", ["[]", '"x"', '{"groupName": '])
def test_a_membership_body_that_is_not_an_object_is_refused(api, pair, raw):
    snapshot = api.snapshot(pair[0])

    assert_error(api.send_raw("post", api.membership_url, raw), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("external_id", [{"id": "001"}, ["001"]])
def test_an_external_id_that_is_not_text_is_named(api, refs, pair, external_id):
    snapshot = api.snapshot(pair[1])

    response = api.client.post(api.membership_url, {"groupName": "group2", "externalIds": [external_id]}, format="json")

    assert_error(response, 400, "VALIDATION_ERROR", ["/externalIds/0"])
    api.assert_unchanged(snapshot)
