"""``?validateOnly=true`` (DESIGN §10): the whole engine runs and is rolled back. The answer
says what the real call would do; nothing is kept; a refusal is the real call's refusal."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, ContactChange
from tests.dialects.native.helpers import assert_error, assert_ok, minimal

DRY = "?validateOnly=true"
#: Fields a later real call answers differently by nature (its own instant).
TIMELY = {"updatedAt"}


def comparable(contact: dict) -> dict:
    return {name: value for name, value in contact.items() if name not in TIMELY}


def test_a_dry_patch_answers_what_the_real_patch_does_and_keeps_nothing(api, rich):
    before = api.snapshot(rich)
    body = {"firstName": "Augusta", "tags": ["analyst"]}

    dry = assert_ok(api.client.patch(api.url(rich) + DRY, body, format="json"))

    api.assert_unchanged(before)
    assert dry["validateOnly"] is True and dry["status"] == "updated"
    assert set(dry["changes"]) == {"firstName", "tags"}
    assert dry["changes"]["firstName"] == {"before": before.contact["firstName"], "after": "Augusta"}
    real = assert_ok(api.patch(rich, body))
    assert comparable(dry["contact"]) == comparable(real)
    assert api.history(rich)[0]["changes"] == dry["changes"]


def test_a_dry_full_update_that_changes_nothing_says_unchanged(api, plain):
    stored = api.get(plain)
    before = api.snapshot(plain)

    dry = assert_ok(api.client.put(api.url(plain) + DRY, stored, format="json"))

    assert (dry["status"], dry["changes"]) == ("unchanged", {})
    api.assert_unchanged(before)


def test_a_dry_run_that_is_refused_answers_the_real_refusal(api, rich):
    before = api.snapshot(rich)
    body = {"email": "not-an-email", "groupsName": ["nope"]}

    dry = assert_error(api.client.patch(api.url(rich) + DRY, body, format="json"), 400, "VALIDATION_ERROR")
    real = assert_error(api.patch(rich, body), 400, "VALIDATION_ERROR")

    assert dry == real
    api.assert_unchanged(before)


def test_a_dry_create_creates_nothing(api, org):
    count, changes = Contact.objects.count(), ContactChange.objects.count()

    dry = assert_ok(api.client.post(api.url() + DRY, minimal(externalId="dry-1", firstName="Dry"), format="json"))

    assert dry["status"] == "created" and dry["contact"]["id"] is None and dry["contact"]["firstName"] == "Dry"
    assert dry["changes"]["externalId"] == {"before": None, "after": "dry-1"}
    assert (Contact.objects.count(), ContactChange.objects.count()) == (count, changes)


def test_a_dry_ops_patch_keeps_nothing(api, rich):
    before = api.snapshot(rich)
    operations = [{"op": "replace", "path": "/title", "value": "Dr"}]

    dry = api.client.patch(api.url(rich) + DRY, json.dumps(operations), content_type="application/json-patch+json")

    assert assert_ok(dry)["changes"]["title"]["after"] == "Dr"
    api.assert_unchanged(before)


def test_a_dry_batch_reports_each_item_and_keeps_nothing(api, rich):
    other = assert_ok(api.post(minimal(externalId="002")), 201)["id"]
    before = [api.snapshot(rich), api.snapshot(other)]
    items = [{"id": rich, **minimal(externalId="r1", firstName="Batch")}, {"id": other, "externalId": ""}]

    dry = assert_ok(api.client.put(api.batch_url + DRY, items, format="json"))

    assert dry["validateOnly"] is True
    first, second = dry["results"]
    assert first["status"] == "updated" and first["changes"]["firstName"]["after"] == "Batch"
    assert second["status"] == "error" and "changes" not in second
    for snapshot in before:
        api.assert_unchanged(snapshot)


def test_a_dry_batch_costs_no_more_queries_than_a_small_one_and_keeps_nothing(api, org):
    ids = [assert_ok(api.post(minimal(externalId=f"q{n}")), 201)["id"] for n in range(60)]
    changes = ContactChange.objects.count()

    def run(chosen: list[int]) -> int:
        items = [minimal(id=i, externalId=f"q-{i}", firstName=f"N{i}") for i in chosen]
        with CaptureQueriesContext(connection) as captured:
            body = assert_ok(api.client.put(api.batch_url + DRY, items, format="json"))
        assert {row["status"] for row in body["results"]} == {"updated"}
        return len(captured.captured_queries)

    small, large = run(ids[:10]), run(ids[10:])
    assert large <= small
    assert ContactChange.objects.count() == changes
    assert Contact.objects.filter(external_id__startswith="q-").count() == 0
