"""A large batch's writes go out in parts, each sent while the next is built (PostgreSQL;
contacts/services/engine.py, CHUNKED_FROM). Whatever the parts, the batch is one change: the
same effect as one statement, one time of change, history in the batch's order, and an
error in any part leaves nothing written."""

from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, ContactChange, Tag
from contacts.services import ChangeSet, ItemStatus
from contacts.services import engine as engine_module
from contacts.services.engine import CHUNKED_FROM, WRITE_CHUNKS
from paths.models import QuietTimeFrame
from tests.engine.builders import apply, create_contacts, full_values

#: Contacts to update: enough for the parts (the items' positions below assume 250).
UPDATES = 250


def _update(n: int, contact_id: int, variant: str = "b") -> ChangeSet:
    return ChangeSet(values=full_values(n, variant=variant) | {"topics": []}, contact_id=contact_id)


def test_a_batch_in_parts_writes_what_one_statement_would(nested_org):
    assert UPDATES >= CHUNKED_FROM
    ids = create_contacts(nested_org, UPDATES + 2)
    tags_before, history_before = Tag.objects.count(), ContactChange.objects.count()
    updates = [_update(n, contact_id) for n, contact_id in enumerate(ids[:UPDATES])]
    unchanged = _update(UPDATES, ids[UPDATES], variant="a")
    refused = ChangeSet(
        values=full_values(UPDATES + 1, variant="b") | {"record_type_name": "No such type"}, contact_id=ids[UPDATES + 1]
    )
    new = [ChangeSet(values=full_values(n, variant="b") | {"topics": []}) for n in (UPDATES + 10, UPDATES + 11)]
    # Mixed: a new contact second, the unchanged and refused ones among the updates.
    items = [updates[0], new[0], *updates[1:100], unchanged, *updates[100:200], refused, *updates[200:], new[1]]

    with CaptureQueriesContext(connection) as captured:
        results = apply(nested_org, items)

    statuses = [result.status for result in results]
    assert statuses.count(ItemStatus.UPDATED) == UPDATES
    assert (statuses[1], statuses[-1]) == (ItemStatus.CREATED, ItemStatus.CREATED)
    assert (statuses[101], statuses[202]) == (ItemStatus.UNCHANGED, ItemStatus.ERROR)
    chains = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("WITH part0")]
    if connection.vendor == "postgresql":
        assert len([sql for sql in chains if 'UPDATE "contacts_contact" ' in sql]) == WRITE_CHUNKS
    # The batch's one new tag was created once.
    assert Tag.objects.count() == tags_before + 1

    # Every update landed, nested rows included: the first, some in each part, the last.
    for n in (0, 99, 150, UPDATES // 2, UPDATES - 1):
        contact = Contact.objects.get(pk=ids[n])
        assert (contact.first_name, contact.version) == (f"First{n}b", 2)
        assert list(contact.tags.values_list("name", flat=True)) == ["tag0b"]
        assert list(contact.paths.values_list("value", flat=True)) == ["value 0 b"]
        assert QuietTimeFrame.objects.get(path__contact=contact).from_hour == 21
        assert list(contact.attribute_values.values_list("values", flat=True)) == [["vb"]]
    assert Contact.objects.get(pk=ids[UPDATES]).version == 1
    assert Contact.objects.get(pk=ids[UPDATES + 1]).first_name == f"First{UPDATES + 1}a"
    created = Contact.objects.get(organization=nested_org, external_id=f"ext-{UPDATES + 11}")
    assert created.first_name == f"First{UPDATES + 11}b" and created.paths.count() == 1

    # One time of change for the whole batch, and one history row per written contact: the
    # new contacts first, then the updates in the batch's order.
    history = list(ContactChange.objects.order_by("pk")[history_before:])
    assert len(history) == UPDATES + 2
    assert len({row.at for row in history}) == 1
    assert len(set(Contact.objects.filter(pk__in=ids[:UPDATES]).values_list("updated_at", flat=True))) == 1
    written = [results[1].contact_id, results[-1].contact_id] + [
        result.contact_id for result in results if result.status == ItemStatus.UPDATED
    ]
    assert [row.contact_id for row in history] == written


def test_an_error_in_a_later_part_leaves_nothing_written(nested_org):
    ids = create_contacts(nested_org, UPDATES)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]
    # The last contact claims the first one's external id. The engine refuses that before
    # writing; let it through, so that only the database's constraint stops the last part.
    items[-1] = ChangeSet(
        values=full_values(UPDATES - 1, variant="b") | {"topics": [], "external_id": "ext-0"}, contact_id=ids[-1]
    )
    history_before = ContactChange.objects.count()

    let_through = mock.patch.object(engine_module, "_refuse_external_id_conflicts", lambda _org, plans, *_: plans)
    with let_through, pytest.raises(IntegrityError), transaction.atomic():
        apply(nested_org, items)

    assert set(Contact.objects.filter(pk__in=ids).values_list("version", flat=True)) == {1}
    assert Contact.objects.get(pk=ids[0]).first_name == "First0a"
    assert Contact.objects.get(pk=ids[-1]).external_id == f"ext-{UPDATES - 1}"
    assert ContactChange.objects.count() == history_before


def test_below_the_threshold_one_statement_writes_the_batch(nested_org):
    ids = create_contacts(nested_org, CHUNKED_FROM - 1)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]

    with CaptureQueriesContext(connection) as captured:
        results = apply(nested_org, items)

    assert all(result.status == ItemStatus.UPDATED for result in results)
    chains = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("WITH part0")]
    assert len(chains) == (1 if connection.vendor == "postgresql" else 0)
    assert Contact.objects.get(pk=ids[-1]).first_name == f"First{CHUNKED_FROM - 2}b"
