"""Keyed dry runs (``validate_only=1``) and all-or-none batches (``all_or_none=1``), as
DESIGN §10 gives them to the keyed dialect."""

from contacts.models import Contact, ContactChange, Scope
from tests import factories
from tests.dialects.keyed.conftest import KeyedApi, assert_reply


def test_a_dry_update_answers_what_would_change_and_keeps_nothing(keyed, native, people):
    before = native.snapshot(people.malekith)

    data = assert_reply(keyed.put({"key_id": "3", "3": "malekith@example.com", "1": "New"}, "?validate_only=1"), 200, 0)

    assert data["validateOnly"] is True and data["status"] == "updated" and data["id"] == people.malekith
    assert data["changes"] == {"first_name": {"before": "Malekith", "after": "New"}}
    native.assert_unchanged(before)


def test_a_dry_create_creates_nothing(keyed, people):
    counts = Contact.objects.count(), ContactChange.objects.count()

    body = {"key_id": "3", "3": "new@example.com", "1": "Newcomer"}
    data = assert_reply(keyed.put(body, "?create_if_not_exists=1&validate_only=1"), 200, 0)

    assert data["status"] == "created" and data["id"] is None and data["created"] is True
    assert (Contact.objects.count(), ContactChange.objects.count()) == counts


def test_an_all_or_none_batch_with_a_failing_item_applies_nothing(keyed, native, people):
    before = native.snapshot(people.malekith)
    contacts = [{"3": "malekith@example.com", "1": "Changed"}, {"3": "nobody@example.com", "1": "X"}]

    data = assert_reply(keyed.put({"key_id": "3", "contacts": contacts}, "?all_or_none=1"), 400, 1004)

    assert data["ids"] == [] and set(data["errors"]) == {"nobody@example.com"}
    native.assert_unchanged(before)


def test_an_all_or_none_batch_that_is_valid_applies_every_item(keyed, native, people):
    contacts = [{"3": "malekith@example.com", "9": "T1"}, {"3": "frigga@example.com", "9": "T2"}]

    data = assert_reply(keyed.put({"key_id": "3", "contacts": contacts}, "?all_or_none=1"), 200, 0)

    assert data == {"ids": [people.malekith, people.frigga], "errors": {}}
    assert (native.get(people.malekith)["title"], native.get(people.frigga)["title"]) == ("T1", "T2")


def test_a_write_only_key_sees_no_stored_value_in_a_dry_run(org, people):
    writer = KeyedApi(factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]))

    data = assert_reply(
        writer.put({"key_id": "3", "3": "malekith@example.com", "1": "New"}, "?validate_only=1"), 200, 0
    )

    assert data["changes"] == {"first_name": {"after": "New"}}
    assert Contact.objects.get(pk=people.malekith).first_name == "Malekith"
