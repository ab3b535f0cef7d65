"""A large batch's writes go out in parts, each sent while the next is built (PostgreSQL;
contacts/services/parts.py). Whatever the parts, the batch is one change: the
same effect as one statement, one time of change, history in the batch's order, and an
error in any part leaves nothing written."""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contacts.models import Channel, Contact, ContactChange, Tag
from contacts.services import ChangeSet, ItemStatus, UpdateMode, apply_updates
from contacts.services import engine as engine_module
from contacts.services.parts import CHUNKED_FROM, WRITE_CHUNKS
from paths.models import QuietTimeFrame
from tests.engine.builders import ACTOR, apply, create_contacts, full_values

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


@pytest.mark.parametrize(("claimer", "holder"), [(UPDATES - 1, 0), (1, UPDATES - 1)], ids=["last part", "first part"])
def test_an_error_in_any_part_leaves_nothing_written(nested_org, claimer, holder):
    ids = create_contacts(nested_org, UPDATES)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]
    # One contact claims another's external id. The engine refuses that before writing; let
    # it through, so that only the database's constraint stops the part that holds it, while
    # the parts after it are already on their way (first part) or the ones before it are
    # written (last part).
    items[claimer] = ChangeSet(
        values=full_values(claimer, variant="b") | {"topics": [], "external_id": f"ext-{holder}"},
        contact_id=ids[claimer],
    )
    history_before = ContactChange.objects.count()

    let_through = mock.patch.object(engine_module, "_refuse_external_id_conflicts", lambda _org, plans, *_: plans)
    with let_through, pytest.raises(IntegrityError), transaction.atomic():
        apply(nested_org, items)

    assert set(Contact.objects.filter(pk__in=ids).values_list("version", flat=True)) == {1}
    assert Contact.objects.get(pk=ids[0]).first_name == "First0a"
    assert Contact.objects.get(pk=ids[claimer]).external_id == f"ext-{claimer}"
    assert ContactChange.objects.count() == history_before
    # The connection is usable afterwards, in and out of pipeline mode.
    assert apply(nested_org, [_update(5, ids[5], variant="c")])[0].status == ItemStatus.UPDATED
    assert Contact.objects.get(pk=ids[5]).first_name == "First5c"


def test_below_the_threshold_one_statement_writes_the_batch(nested_org):
    ids = create_contacts(nested_org, CHUNKED_FROM - 1)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]

    with CaptureQueriesContext(connection) as captured:
        results = apply(nested_org, items)

    assert all(result.status == ItemStatus.UPDATED for result in results)
    chains = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("WITH part0")]
    assert len(chains) == (1 if connection.vendor == "postgresql" else 0)
    assert Contact.objects.get(pk=ids[-1]).first_name == f"First{CHUNKED_FROM - 2}b"


def test_a_dry_run_in_parts_answers_and_keeps_nothing(nested_org):
    ids = create_contacts(nested_org, UPDATES)
    history_before = ContactChange.objects.count()

    results = apply_updates(
        organization=nested_org,
        items=[_update(n, contact_id) for n, contact_id in enumerate(ids)],
        mode=UpdateMode.FULL,
        actor=ACTOR,
        channel=Channel.NATIVE,
        dry_run=True,
    )

    assert [result.status for result in results] == [ItemStatus.UPDATED] * UPDATES
    assert results[-1].changes["first_name"] == {"before": f"First{UPDATES - 1}a", "after": f"First{UPDATES - 1}b"}
    assert set(Contact.objects.filter(pk__in=ids).values_list("version", flat=True)) == {1}
    assert QuietTimeFrame.objects.filter(path__contact_id=ids[-1]).get().from_hour == 22
    assert ContactChange.objects.count() == history_before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_batches_in_parts_serialize(nested_org):
    """Two batches over the same contacts, in opposite orders, each written in parts: both
    commit (the locks are taken in id order, before any part is sent), one after the other."""
    ids = create_contacts(nested_org, UPDATES)
    batches = [
        [_update(n, contact_id, variant=variant) for n, contact_id in enumerate(ids)][::step]
        for variant, step in (("b", 1), ("c", -1))
    ]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run(items: list[ChangeSet]) -> None:
        try:
            barrier.wait()
            outcomes.append({result.status for result in apply(nested_org, items)})
        except Exception as error:  # reported below, with the other thread's outcome
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(items,)) for items in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [{ItemStatus.UPDATED}, {ItemStatus.UPDATED}]
    assert set(Contact.objects.filter(pk__in=ids).values_list("version", flat=True)) == {3}
    # Whole batches, never a mix: every contact holds the variant of the batch that came last.
    last = {name[-1] for name in Contact.objects.filter(pk__in=ids).values_list("first_name", flat=True)}
    assert len(last) == 1
    assert ContactChange.objects.filter(contact_id__in=ids, version=3).count() == UPDATES


def _chains_sent_when_planning(captured: CaptureQueriesContext) -> tuple[list[int], mock._patch]:
    """Spy on planning: the number of contact writes sent each time a part is planned."""
    sent: list[int] = []
    plan_items = engine_module._plan_items

    def spy(*args, **kwargs):
        sent.append(sum('UPDATE "contacts_contact" ' in query["sql"] for query in captured.captured_queries))
        return plan_items(*args, **kwargs)

    return sent, mock.patch.object(engine_module, "_plan_items", spy)


def test_a_batch_of_updates_is_planned_part_by_part(nested_org):
    ids = create_contacts(nested_org, UPDATES)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]
    # The same contact again in the last part (refused: the first one stands), a refused
    # item in the second, and a new tag named in the first and the third parts.
    items[-1] = _update(0, ids[0], variant="z")
    items[70] = ChangeSet(
        values=full_values(70, variant="b") | {"topics": [], "record_type_name": "No such type"}, contact_id=ids[70]
    )
    for n in (3, 140):
        items[n] = ChangeSet(values=full_values(n, variant="b") | {"topics": [], "tags": ["fresh"]}, contact_id=ids[n])
    tags_before = Tag.objects.count()

    with CaptureQueriesContext(connection) as captured:
        sent, spy = _chains_sent_when_planning(captured)
        with spy:
            results = apply(nested_org, items)

    if connection.vendor == "postgresql":
        assert sent == list(range(WRITE_CHUNKS))  # each part planned after the one before was sent
    else:
        assert sent == [0]
    statuses = [result.status for result in results]
    assert statuses.count(ItemStatus.UPDATED) == UPDATES - 2
    assert results[-1].problems[0].code == "duplicate" and results[70].problems[0].location == ("record_type_name",)
    assert Contact.objects.get(pk=ids[0]).first_name == "First0b"
    assert Contact.objects.get(pk=ids[70]).version == 1
    assert Contact.objects.get(pk=ids[UPDATES - 2]).first_name == f"First{UPDATES - 2}b"
    assert Tag.objects.count() == tags_before + 2  # "tag0b" and "fresh", each created once
    for n in (3, 140):
        assert list(Contact.objects.get(pk=ids[n]).tags.values_list("name", flat=True)) == ["fresh"]
    assert (
        len(set(ContactChange.objects.filter(contact_id__in=ids).exclude(version=1).values_list("at", flat=True))) == 1
    )


def test_a_batch_that_claims_an_external_id_is_planned_whole_first(nested_org):
    """An external id two items of different parts claim: the first claim stands, as when
    the batch is one part."""
    ids = create_contacts(nested_org, UPDATES)
    items = [_update(n, contact_id) for n, contact_id in enumerate(ids)]
    for n in (10, 200):
        items[n] = ChangeSet(
            values=full_values(n, variant="b") | {"topics": [], "external_id": "claimed"}, contact_id=ids[n]
        )

    with CaptureQueriesContext(connection) as captured:
        sent, spy = _chains_sent_when_planning(captured)
        with spy:
            results = apply(nested_org, items)

    assert sent == [0]
    assert results[10].status == ItemStatus.UPDATED
    assert results[200].problems[0].code == "external_id_taken"
    assert Contact.objects.get(pk=ids[10]).external_id == "claimed"
    assert Contact.objects.get(pk=ids[200]).external_id == "ext-200"
    assert Contact.objects.get(pk=ids[201]).first_name == "First201b"
