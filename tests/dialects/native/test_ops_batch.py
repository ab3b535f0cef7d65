"""OPS batch: ``PATCH /rest/contacts/{org}/batch`` with up to 1,000 items of
``{"id" | "externalId", "operations": [...]}`` (DESIGN §10): per-item results, queries
that do not grow with the batch."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dialects.native.helpers import assert_error, assert_ok, minimal


def create(api, count: int, start: int = 0) -> list[int]:
    return [assert_ok(api.post(minimal(externalId=f"o{n}")), 201)["id"] for n in range(start, start + count)]


def patch_batch(api, items, query: str = ""):
    return api.client.patch(api.batch_url + query, items, format="json")


def test_each_item_applies_its_operations(api, refs):
    ids = create(api, 2)
    items = [
        {"id": ids[0], "operations": [{"op": "replace", "path": "/title", "value": "Dr"}]},
        {"externalId": "o1", "operations": [{"op": "add", "path": "/groupsName/~", "value": refs.groups[0].name}]},
    ]

    body = assert_ok(patch_batch(api, items))

    assert [(row["id"], row["status"]) for row in body["results"]] == [(ids[0], "updated"), (ids[1], "updated")]
    assert api.get(ids[0])["title"] == "Dr"
    assert api.get(ids[1])["groupsName"] == [refs.groups[0].name]
    assert api.history(ids[0])[0]["mode"] == "ops"


def test_a_failing_item_is_reported_and_the_others_apply(api):
    ids = create(api, 2)
    items = [
        {"id": ids[0], "operations": [{"op": "replace", "path": "/title", "value": "Dr"}]},
        {"id": ids[1], "operations": [{"op": "remove", "path": "/paths/prompt:nowhere"}]},
        {"id": ids[1], "operations": "not a list"},
        {"externalId": "unknown", "operations": []},
    ]

    body = assert_ok(patch_batch(api, items))

    statuses = [row["status"] for row in body["results"]]
    assert statuses == ["updated", "error", "error", "error"]
    assert "/operations/0/path" in body["results"][1]["errors"]
    assert "/operations" in body["results"][2]["errors"] and "/externalId" in body["results"][3]["errors"]
    assert api.get(ids[0])["title"] == "Dr" and api.get(ids[1])["version"] == 1


def test_all_or_none_applies_nothing_when_an_item_fails(api):
    ids = create(api, 2)
    before = [api.snapshot(contact_id) for contact_id in ids]
    items = [
        {"id": ids[0], "operations": [{"op": "replace", "path": "/title", "value": "Dr"}]},
        {"id": ids[1], "operations": [{"op": "replace", "path": "/email", "value": "nope"}]},
    ]

    body = assert_error(patch_batch(api, items, "?allOrNone=true"), 400, "BATCH_NOT_APPLIED")

    assert [row["status"] for row in body["results"]] == ["notApplied", "error"]
    for snapshot in before:
        api.assert_unchanged(snapshot)


def test_queries_do_not_grow_with_the_batch(api):
    ids = create(api, 60)

    def run(chosen: list[int]) -> int:
        items = [{"id": i, "operations": [{"op": "replace", "path": "/title", "value": f"T{i}"}]} for i in chosen]
        with CaptureQueriesContext(connection) as captured:
            assert {row["status"] for row in assert_ok(patch_batch(api, items))["results"]} == {"updated"}
        return len(captured.captured_queries)

    assert run(ids[50:]) >= run(ids[:50])
    assert api.get(ids[7])["title"] == f"T{ids[7]}"
