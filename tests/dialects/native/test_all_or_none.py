"""``?allOrNone=true`` on the native batch (DESIGN §10): one failing item and nothing is
committed; every item is reported, the valid ones as ``notApplied``."""

from contacts.models import ContactChange
from tests.dialects.native.helpers import assert_error, assert_ok, minimal

ALL_OR_NONE = "?allOrNone=true"


def two_contacts(api) -> list[int]:
    return [assert_ok(api.post(minimal(externalId=f"a{n}", firstName=f"N{n}")), 201)["id"] for n in range(2)]


def test_one_invalid_item_and_no_item_is_applied(api):
    ids = two_contacts(api)
    before = [api.snapshot(contact_id) for contact_id in ids]
    items = [{"id": ids[0], **minimal(externalId="a0", firstName="Changed")}, {"id": ids[1], "externalId": ""}]

    body = assert_error(api.client.put(api.batch_url + ALL_OR_NONE, items, format="json"), 400, "BATCH_NOT_APPLIED")

    assert [row["status"] for row in body["results"]] == ["notApplied", "error"]
    assert body["results"][0]["id"] == ids[0] and "/firstName" in body["results"][1]["errors"]
    for snapshot in before:
        api.assert_unchanged(snapshot)


def test_an_item_refused_before_the_engine_also_stops_the_batch(api):
    ids = two_contacts(api)
    changes = ContactChange.objects.count()
    items = [{"id": ids[0], **minimal(externalId="a0", firstName="Changed")}, {"id": 999999, **minimal()}]

    body = assert_error(api.client.put(api.batch_url + ALL_OR_NONE, items, format="json"), 400, "BATCH_NOT_APPLIED")

    assert [row["status"] for row in body["results"]] == ["notApplied", "error"]
    assert api.get(ids[0])["firstName"] == "N0" and ContactChange.objects.count() == changes


def test_a_valid_batch_applies_as_usual(api):
    ids = two_contacts(api)
    items = [{"id": contact_id, **minimal(externalId=f"a{n}", title="T")} for n, contact_id in enumerate(ids)]

    body = assert_ok(api.client.put(api.batch_url + ALL_OR_NONE, items, format="json"))

    assert [row["status"] for row in body["results"]] == ["updated", "updated"]
    assert [api.get(contact_id)["title"] for contact_id in ids] == ["T", "T"]


def test_without_the_flag_items_stand_alone(api):
    ids = two_contacts(api)
    items = [{"id": ids[0], **minimal(externalId="a0", firstName="Changed")}, {"id": ids[1], "externalId": ""}]

    body = assert_ok(api.batch(items))

    assert [row["status"] for row in body["results"]] == ["updated", "error"]
    assert api.get(ids[0])["firstName"] == "Changed"
