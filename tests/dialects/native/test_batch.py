"""Native batch (PUT /rest/contacts/{org}/batch; DESIGN §4 "Batches", §5.1): FULL updates of
items named by ``id`` or else ``externalId``, each succeeding or failing on its own."""

import pytest

from contacts.models import Channel, ContactChange
from contacts.services import ChangeSet, UpdateMode, apply_updates
from tests.dialects.native.helpers import SETUP_ACTOR, assert_error, assert_ok, minimal, seed_contact


@pytest.fixture
def trio(org, refs) -> list[int]:
    """Three contacts with external ids 001, 002, 003, each in group1."""
    return [
        seed_contact(
            org,
            external_id=f"00{n}",
            first_name=f"First{n}",
            last_name=f"Last{n}",
            title="Old",
            record_type_name="Employee",
            group_names=["group1"],
        )
        for n in (1, 2, 3)
    ]


def item(n: int, **extra) -> dict:
    """The FULL body of trio contact ``n`` as stored (title aside), with ``extra`` applied."""
    return {**minimal(externalId=f"00{n}", firstName=f"First{n}", lastName=f"Last{n}"), **extra}


def test_items_by_id_and_by_external_id_are_updated_in_order(api, trio):
    body = [
        {"id": trio[0], **item(1, title="New")},
        item(2, title="New", groupsName=["group2"]),
        {"id": trio[2], **item(3, title="Old")},
    ]

    response = api.batch(body)

    assert assert_ok(response) == {
        "results": [
            {"index": 0, "id": trio[0], "status": "updated"},
            {"index": 1, "id": trio[1], "status": "updated"},
            {"index": 2, "id": trio[2], "status": "unchanged"},
        ]
    }
    first, second, third = (api.get(contact_id) for contact_id in trio)
    assert (first["title"], first["version"]) == ("New", 2)
    assert (second["title"], second["groupsName"], second["version"]) == ("New", ["group1", "group2"], 2)
    assert (third["title"], third["version"]) == ("Old", 1)
    assert [entry["mode"] for entry in api.history(trio[0])] == ["full", "create"]
    assert [entry["mode"] for entry in api.history(trio[2])] == ["create"]


def test_a_batch_item_is_a_full_update(api, trio):
    assert_ok(api.batch([{"id": trio[0], "firstName": "Only", "lastName": "Names", "externalId": "001",
                          "recordTypeName": "Employee"}]))  # fmt: skip

    after = api.get(trio[0])
    assert (after["firstName"], after["title"], after["groupsName"]) == ("Only", "", ["group1"])


def test_failing_items_change_nothing_while_the_others_are_committed(api, other_org, trio):
    foreign = seed_contact(other_org, external_id="009", first_name="T", last_name="O", record_type_name="Employee")
    snapshots = [api.snapshot(trio[1]), api.snapshot(trio[2])]
    foreign_before = ContactChange.objects.filter(contact_id_value=foreign).count()
    body = [
        {"id": trio[0], **item(1, title="New")},
        {"id": trio[1], **item(2, title="New", gender="robot", groupsName=["ghost"])},
        item(3, title="New", firstName=None),
        {"id": foreign, **item(9, title="New")},
        item(7, title="New"),
        {"id": "abc", **item(1)},
        "not an object",
        {"firstName": "No", "lastName": "Key"},
    ]

    results = assert_ok(api.batch(body))["results"]

    assert [row["index"] for row in results] == list(range(len(body)))
    assert [row["status"] for row in results] == ["updated"] + ["error"] * 7
    assert [row["id"] for row in results[:3]] == trio
    assert set(results[1]["errors"]) == {"/gender", "/groupsName/0"}
    assert set(results[2]["errors"]) == {"/firstName"}
    assert set(results[3]["errors"]) == {"/id"}
    assert set(results[4]["errors"]) == {"/externalId"}
    assert set(results[5]["errors"]) == {"/id"}
    assert set(results[6]["errors"]) == {""}
    assert set(results[7]["errors"]) == {"/id"}
    assert "errors" not in results[0]
    assert api.get(trio[0])["title"] == "New"
    for snapshot in snapshots:
        api.assert_unchanged(snapshot)
    assert ContactChange.objects.filter(contact_id_value=foreign).count() == foreign_before


def test_errors_point_into_the_item(api, refs, trio):
    body = [
        item(1),
        item(2, paths=[{"prompt": "phone", "value": "12", "countryCode": "CN"}], contactAttributes=[{"name": "x"}]),
    ]

    results = assert_ok(api.batch(body))["results"]

    assert set(results[1]["errors"]) == {"/paths/0/value", "/contactAttributes/0/name"}


def test_a_batch_may_move_an_external_id_but_not_onto_another_contact(api, trio):
    snapshot = api.snapshot(trio[1])
    body = [
        {"id": trio[0], **item(1, externalId="010")},
        {"id": trio[2], **item(3, externalId="002")},
    ]

    results = assert_ok(api.batch(body))["results"]

    assert [row["status"] for row in results] == ["updated", "error"]
    assert set(results[1]["errors"]) == {"/externalId"}
    assert api.get(trio[0])["externalId"] == "010"
    assert api.get(trio[2])["externalId"] == "003"
    api.assert_unchanged(snapshot)


def test_two_items_may_not_claim_the_same_new_external_id(api, trio):
    body = [{"id": trio[0], **item(1, externalId="777")}, {"id": trio[1], **item(2, externalId="777")}]

    results = assert_ok(api.batch(body))["results"]

    assert [row["status"] for row in results] == ["updated", "error"]
    assert api.get(trio[0])["externalId"] == "777"
    assert api.get(trio[1])["externalId"] == "002"


def test_more_than_1000_items_are_refused_and_nothing_is_written(api, trio):
    snapshots = [api.snapshot(contact_id) for contact_id in trio]
    body = [{"id": trio[n % 3], **item(n % 3 + 1, title=f"T{n}")} for n in range(1001)]

    assert_error(api.batch(body), 400, "VALIDATION_ERROR")

    for snapshot in snapshots:
        api.assert_unchanged(snapshot)


def test_1000_items_are_accepted(api, org, trio):
    results = apply_updates(
        organization=org,
        items=[
            ChangeSet(
                values={"external_id": f"b{n}", "first_name": "B", "last_name": f"{n}", "record_type_name": "Employee"}
            )
            for n in range(1000)
        ],
        mode=UpdateMode.FULL,
        actor=SETUP_ACTOR,
        channel=Channel.IMPORT,
    )
    ids = [result.contact_id for result in results]
    body = [
        minimal(externalId=f"b{n}", firstName="B", lastName=f"{n}", title="Batched" if n % 2 else "")
        for n in range(1000)
    ]

    rows = assert_ok(api.batch(body))["results"]

    assert [row["id"] for row in rows] == ids
    assert [row["status"] for row in rows] == ["unchanged", "updated"] * 500
    assert [api.get(ids[n])["title"] for n in (0, 1, 998, 999)] == ["", "Batched", "", "Batched"]


def test_an_empty_batch_answers_no_results(api, trio):
    snapshot = api.snapshot(trio[0])

    assert assert_ok(api.batch([])) == {"results": []}

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("body", [{"id": 1}, "x", 3, None])
def test_a_body_that_is_not_an_array_is_refused(api, trio, body):
    snapshot = api.snapshot(trio[0])

    assert_error(api.batch(body), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


def test_malformed_json_is_refused(api, trio):
    snapshot = api.snapshot(trio[0])

    assert_error(api.send_raw("put", api.batch_url, '[{"id": '), 400, "VALIDATION_ERROR")

    api.assert_unchanged(snapshot)


def test_the_batch_records_native_full_history(api, trio):
    assert_ok(api.batch([item(1, title="New")]))

    [entry, _] = api.history(trio[0])
    assert (entry["channel"], entry["mode"]) == ("native", "full")
    assert entry["changes"] == {"title": {"before": "Old", "after": "New"}}


# --- known bugs ---------------------------------------------------------------------------------------


def test_an_item_whose_external_id_is_not_text_is_an_item_error(api, trio):
    snapshot = api.snapshot(trio[1])

    results = assert_ok(api.batch([item(1, title="New"), item(2, externalId=["002"])]))["results"]

    assert [row["status"] for row in results] == ["updated", "error"]
    assert set(results[1]["errors"]) == {"/externalId"}
    api.assert_unchanged(snapshot)


def test_the_same_contact_twice_with_topics_is_not_a_500(api, refs, trio):
    topic = refs.topics[0].pk
    body = [{"id": trio[0], **item(1, topics=[topic])}, {"id": trio[0], **item(1, topics=[topic], title="x")}]

    response = api.batch(body)

    assert response.status_code == 200, response.content
    assert api.get(trio[0])["topics"] == [topic]


def test_the_same_contact_twice_ends_as_one_of_the_items(api, trio):
    body = [{"id": trio[0], **item(1, firstName="A")}, {"id": trio[0], **item(1, lastName="B")}]

    results = assert_ok(api.batch(body))["results"]

    after = api.get(trio[0])
    statuses = [row["status"] for row in results]
    if statuses == ["updated", "updated"]:  # applied in order: the last FULL item wins
        assert (after["firstName"], after["lastName"]) == ("First1", "B")
        assert after["version"] == 3
    else:  # or the duplicate is refused
        assert sorted(statuses) == ["error", "updated"]
        kept = body[statuses.index("updated")]
        assert (after["firstName"], after["lastName"]) == (kept["firstName"], kept["lastName"])
