"""A contact's history over the native dialect (GET /rest/contacts/{org}/{id}/history; DESIGN
§4 "Every applied change", §5.1 "History entries"), and ``sourceId`` on writes."""

import pytest

from tests import factories
from tests.dialects.native.helpers import assert_error, assert_ok, minimal, seed_contact

ENTRY_KEYS = {"id", "at", "channel", "mode", "actor", "sourceId", "changes"}


def test_entries_are_newest_first_with_every_documented_key(api, key, plain):
    assert_ok(api.patch(plain, {"title": "One"}))
    assert_ok(api.put(plain, minimal(title="Two")))

    entries = api.history(plain)

    assert [entry["mode"] for entry in entries] == ["full", "partial", "create"]
    assert all(set(entry) == ENTRY_KEYS for entry in entries)
    assert [entry["at"] for entry in entries] == sorted((entry["at"] for entry in entries), reverse=True)
    assert [entry["id"] for entry in entries] == sorted((entry["id"] for entry in entries), reverse=True)
    newest, middle, _ = entries
    assert (newest["channel"], middle["channel"]) == ("native", "native")
    assert key.api_key.username in newest["actor"]
    assert newest["at"] == api.get(plain)["updatedAt"]
    assert middle["changes"] == {"title": {"before": "", "after": "One"}}
    assert newest["changes"]["title"] == {"before": "One", "after": "Two"}


def test_a_full_update_lists_every_field_it_changed(api, refs, plain):
    assert_ok(api.put(plain, minimal()))

    changes = api.history(plain)[0]["changes"]

    assert set(changes) == {"firstName", "lastName", "email", "recordTypeId", "paths", "contactAttributes"}
    assert changes["email"] == {"before": "old@example.com", "after": ""}
    assert changes["recordTypeId"] == {"before": refs.contractor.pk, "after": refs.employee.pk}
    assert changes["contactAttributes"]["after"] == []


def test_a_write_that_changes_nothing_adds_no_entry(api, plain):
    snapshot = api.snapshot(plain)

    assert_ok(api.put(plain, snapshot.contact))
    assert_ok(api.patch(plain, {"firstName": "Old"}))

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_source_id_is_recorded_as_modified_source(api, refs, plain, method):
    body = (
        minimal(title="Sourced", sourceId=refs.source.pk)
        if method == "put"
        else {"title": "Sourced", "sourceId": refs.source.pk}
    )

    assert_ok(getattr(api, method)(plain, body))

    after = api.get(plain)
    assert (after["title"], after["modifiedSourceId"], after["createdSourceId"]) == ("Sourced", refs.source.pk, None)
    assert api.history(plain)[0]["sourceId"] == refs.source.pk


def test_a_later_change_without_source_keeps_the_recorded_source(api, refs, plain):
    assert_ok(api.patch(plain, {"title": "Sourced", "sourceId": refs.source.pk}))

    assert_ok(api.patch(plain, {"title": "Plain"}))

    assert api.get(plain)["modifiedSourceId"] == refs.source.pk
    assert api.history(plain)[0]["sourceId"] is None


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_change_carrying_only_source_id_is_a_no_op(api, refs, plain, method):
    snapshot = api.snapshot(plain)
    body = {**snapshot.contact, "sourceId": refs.source.pk} if method == "put" else {"sourceId": refs.source.pk}

    assert_ok(getattr(api, method)(plain, body))

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("source", [987654321, "abc", "OTHER ORG", True])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_unknown_source_id_is_refused(api, other_org, plain, method, source):
    if source == "OTHER ORG":
        source = factories.make_source(other_org, "Theirs").pk
    snapshot = api.snapshot(plain)
    body = minimal(title="x", sourceId=source) if method == "put" else {"title": "x", "sourceId": source}

    body = assert_error(getattr(api, method)(plain, body), 400, "VALIDATION_ERROR", ["/sourceId"])

    assert list(body["errors"]) == ["/sourceId"]
    api.assert_unchanged(snapshot)


def test_a_refused_write_adds_no_entry(api, plain):
    snapshot = api.snapshot(plain)

    assert_error(api.patch(plain, {"gender": "robot"}), 400, "VALIDATION_ERROR", ["/gender"])

    api.assert_unchanged(snapshot)


def test_another_organizations_history_is_404(api, other_org):
    theirs = seed_contact(other_org, external_id="1", first_name="T", last_name="O", record_type_name="Employee")

    assert_error(api.client.get(f"{api.url(theirs)}/history"), 404, "NOT_FOUND")


def test_nested_changes_are_told_in_native_wire_shapes(api, refs, plain):
    body = minimal() | {
        "timezoneId": "Europe/Paris",
        "addresses": [{"locationName": "Home", "gisLocation": {"lat": 1.5, "lon": 2.5}}],
        "paths": [
            {
                "prompt": "email",
                "value": "ada@example.com",
                "quietTimeFrames": [{"name": "night", "days": [1], "fromHour": 22, "toHour": 6}],
            }
        ],
    }
    assert_ok(api.put(plain, body))

    changes = api.history(plain)[0]["changes"]

    [address] = changes["addresses"]["after"]
    assert address["locationName"] == "Home" and address["gisLocation"] == {"lat": 1.5, "lon": 2.5}
    [path] = changes["paths"]["after"]
    assert set(path) == {"pathId", "value", "countryCode", "skipValidation", "quietTimeFrames"}
    assert path["quietTimeFrames"][0]["fromHour"] == 22 and path["quietTimeFrames"][0]["days"] == [1]
