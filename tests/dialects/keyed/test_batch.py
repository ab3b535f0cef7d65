"""Keyed batches (seed 003): ``{"key_id", "contacts": [...]}``. Items succeed or fail on their
own; failures are keyed by the item's key value (or ``#<index>``); at most 1,000 items; the
query count does not grow with the batch."""

import json
import math
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet
from contacts.services.parts import WRITE_CHUNKS
from tests.dialects.keyed.conftest import DASH, assert_reply, create_contact
from tests.engine.builders import apply

SEED_003 = """
{
  "key_id": "1",
  "contacts":
  [
    {
      "1": "Malekith",
      "2": "the Accursed"
    },
    {
      "1": "Frigga",
      "679": ["1","2"]
    }
  ]
}
"""


def test_seed_003_batch_as_written(keyed, native, people, attr):
    response = keyed.put_raw(SEED_003.replace('"679"', f'"{attr.field_id}"'))

    data = assert_reply(response, 200, 0, "OK")
    assert data["ids"] == [people.malekith, people.frigga]
    assert not data["errors"]
    malekith, frigga = native.get(people.malekith), native.get(people.frigga)
    assert (malekith["firstName"], malekith["lastName"], malekith["version"]) == ("Malekith", "the Accursed", 2)
    attributes = {item["name"]: item["values"] for item in frigga["contactAttributes"]}
    assert attributes == {"attr1": ["option1", "option2"], "note": ["hello"]}
    assert [entry["channel"] for entry in native.history(people.frigga)] == ["keyed", "native"]


def test_failed_items_are_keyed_by_key_value_and_the_others_are_committed(keyed, native, people, source):
    frigga_before = native.snapshot(people.frigga)
    body = {
        "key_id": "3",
        "source_id": source.pk,
        "contacts": [
            {"3": "malekith@example.com", "2": "the Accursed"},
            {"3": "nobody@example.com", "2": "Nobody"},
            {"2": "No key at all"},
            {"3": "frigga@example.com", "2": "Changed", "5": "9"},
        ],
    }

    data = assert_reply(keyed.put(body), 200, 0, "OK")

    assert data["ids"] == [people.malekith]
    assert set(data["errors"]) == {"nobody@example.com", "#2", "frigga@example.com"}
    assert data["errors"]["nobody@example.com"] == {
        "2008": f"No contact found with the external ID: 3 {DASH} nobody@example.com"
    }
    assert list(data["errors"]["#2"]) == ["2008"]
    [(code, message)] = data["errors"]["frigga@example.com"].items()
    assert code == "2005" and re.search(r"\b5\b", message)
    malekith = native.get(people.malekith)
    assert (malekith["lastName"], malekith["modifiedSourceId"], malekith["version"]) == ("the Accursed", source.pk, 2)
    assert native.history(people.malekith)[0]["channel"] == "keyed"
    native.assert_contact_unchanged(frigga_before)
    assert Contact.objects.count() == frigga_before.contact_count
    assert ContactChange.objects.count() == frigga_before.change_count + 1


def test_external_id_conflicts_are_reported_per_item_as_in_seed_003(keyed, native, people):
    malekith_before = native.snapshot(people.malekith)
    body = {
        "key_id": "3",
        "contacts": [
            {"3": "malekith@example.com", "50": "f-1"},
            {"3": "frigga@example.com", "2": "Allmother"},
        ],
    }

    data = assert_reply(keyed.put(body), 200, 0, "OK")

    assert data["ids"] == [people.frigga]
    assert data["errors"] == {"malekith@example.com": {"2009": "Contact with the external id already exists: 50"}}
    native.assert_contact_unchanged(malekith_before)
    assert native.get(people.frigga)["lastName"] == "Allmother"


def test_two_items_claiming_one_new_external_id_only_the_first_gets_it(keyed, native, people):
    body = {
        "key_id": "id",
        "contacts": [{"id": people.malekith, "50": "shared"}, {"id": people.frigga, "50": "shared"}],
    }

    data = assert_reply(keyed.put(body), 200, 0, "OK")

    assert data["ids"] == [people.malekith]
    assert data["errors"] == {str(people.frigga): {"2009": "Contact with the external id already exists: 50"}}
    assert native.get(people.malekith)["externalId"] == "shared"
    assert native.get(people.frigga)["externalId"] == "f-1"


def test_unknown_field_and_ambiguous_key_fail_only_their_item(keyed, native, org, people):
    twin = create_contact(org, external_id="m-2", first_name="Malekith", last_name="Twin")
    body = {
        "key_id": "1",
        "contacts": [
            {"1": "Malekith", "2": "Which one"},
            {"1": "Frigga", "2": "Allmother", "999": "x"},
            {"1": "Frigga", "2": "Allmother"},
        ],
    }
    before = [native.snapshot(people.malekith), native.snapshot(twin)]

    data = assert_reply(keyed.put(body), 200, 0, "OK")

    assert data["ids"] == [people.frigga]
    assert data["errors"] == {
        "Malekith": {"2010": f"More contacts found with the external ID: 1 {DASH} Malekith"},
        "Frigga": {"2006": "Unknown field id: 999"},
    }
    for snapshot in before:
        native.assert_contact_unchanged(snapshot)
    frigga = native.get(people.frigga)
    assert (frigga["lastName"], frigga["version"]) == ("Allmother", 2)


def test_batch_with_create_if_not_exists_creates_the_missing_contacts(keyed, native, people):
    body = {
        "key_id": "3",
        "contacts": [
            {"3": "frigga@example.com", "2": "Allmother"},
            {"3": "loki@example.com", "1": "Loki"},
            {"3": "thor@example.com", "1": "Thor", "uid": "cnt_cccccccccccc"},
        ],
    }

    data = assert_reply(keyed.put(body, "?create_if_not_exists=1"), 200, 0, "OK")

    frigga_id, loki_id = data["ids"]
    assert frigga_id == people.frigga
    assert data["errors"] == {"thor@example.com": {"2007": "Cannot set id or uid on contact creation"}}
    loki = native.get(loki_id)
    assert (loki["firstName"], loki["email"], loki["recordTypeName"]) == ("Loki", "loki@example.com", "Employee")
    assert not Contact.objects.filter(email="thor@example.com").exists()


def test_batch_with_id_key_and_create_if_not_exists_refuses_missing_items(keyed, native, people):
    body = {"key_id": "id", "contacts": [{"id": people.frigga, "2": "Allmother"}, {"id": 999999, "1": "Ghost"}]}
    count = Contact.objects.count()

    data = assert_reply(keyed.put(body, "?create_if_not_exists=1"), 200, 0, "OK")

    assert data["ids"] == [people.frigga]
    assert data["errors"] == {"999999": {"2004": "Cannot use id or uid as key on contact creation"}}
    assert Contact.objects.count() == count


def test_more_than_1000_items_are_refused_and_nothing_is_written(keyed, native, people):
    before = [native.snapshot(people.malekith), native.snapshot(people.frigga)]
    items = [{"id": people.malekith, "2": f"Name {n}"} for n in range(1000)] + [{"id": people.frigga, "2": "Last"}]

    response = keyed.put({"key_id": "id", "contacts": items})

    assert_reply(response, 400, 1000, "The request exceeded the maximum batch size 1,000")
    native.assert_unchanged(*before)


# The budget is exact on PostgreSQL, where a large batch's writes go out in WRITE_CHUNKS
# statements instead of one (contacts/services/parts.py). Django splits SQLite bulk
# statements to stay under its 999-variable limit, which DESIGN §9 allows: one more query per
# ~900 parameters. A keyed item of this test binds fewer than 120 parameters across all its
# statements.
PARAMETERS_PER_ITEM = 120
SMALL_CONSTANT = WRITE_CHUNKS - 1 if connection.vendor == "postgresql" else math.ceil(1000 * PARAMETERS_PER_ITEM / 900)


def test_batch_of_1000_costs_no_more_queries_than_batch_of_10(keyed, org, attr, source):
    values = [
        {"external_id": f"e-{n}", "first_name": f"F{n}", "last_name": "L", "record_type_name": "Employee"}
        for n in range(1010)
    ]
    for start in (0, 1000):
        assert all(result.ok for result in apply(org, [ChangeSet(values=v) for v in values[start : start + 1000]]))

    def batch(numbers: range) -> dict:
        items = [
            {"50": f"e-{n}", "2": f"Changed {n}", "5": "2", "11": f"City {n}", str(attr.field_id): ["1", "3"]}
            for n in numbers
        ]
        with CaptureQueriesContext(connection) as captured:
            response = keyed.put({"key_id": "50", "source_id": source.pk, "contacts": items})
        data = assert_reply(response, 200, 0, "OK")
        assert len(data["ids"]) == len(numbers) and not data["errors"], json.dumps(data["errors"])[:500]
        return len(captured.captured_queries)

    small = batch(range(1000, 1010))
    large = batch(range(1000))

    assert large <= small + SMALL_CONSTANT
    stored = Contact.objects.get(organization=org, external_id="e-999")
    assert (stored.last_name, stored.gender, stored.version) == ("Changed 999", "female", 2)
    assert stored.addresses.get().city == "City 999"
    assert ContactChange.objects.filter(channel="keyed").count() == 1010
