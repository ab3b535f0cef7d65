"""The names a batch refers to are found by the statement that locks and loads its contacts
(``lock_and_load(carrying=…)``): one statement for both, with the same answers as when the
names are looked up on their own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Group
from contacts.services import ChangeSet, UpdateMode
from contacts.services.ops import APPEND, Operation
from tests import factories
from tests.engine.builders import apply, create_contacts


def statements_of(work) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        result = work()
    return [query["sql"] for query in captured.captured_queries], result


def names_statements(sql: list[str]) -> list[str]:
    """Statements that read group definitions (the names' lookup), carried or not."""
    return [text for text in sql if f'FROM "{Group._meta.db_table}"' in text]


def test_names_ride_in_the_statement_that_locks_the_contacts(nested_org):
    ids = create_contacts(nested_org, 3)

    sql, results = statements_of(
        lambda: apply(
            nested_org,
            [ChangeSet(values={"group_names": ["group5", "group6"]}, contact_id=i) for i in ids],
            mode=UpdateMode.PARTIAL,
        )
    )

    assert [result.status for result in results] == ["updated"] * 3
    [reading] = names_statements(sql)
    assert "FOR UPDATE" in reading or connection.vendor != "postgresql"
    assert reading.lstrip().startswith("WITH locked AS")
    for contact_id in ids:
        names = set(Contact.objects.get(pk=contact_id).groups.values_list("name", flat=True))
        assert {"group5", "group6"} <= names


def test_unknown_names_are_still_reported_at_their_place(nested_org):
    [contact_id] = create_contacts(nested_org, 1)

    results = apply(
        nested_org,
        [
            ChangeSet(values={"group_names": ["group1", "nope"]}, contact_id=contact_id),
            ChangeSet(values={"record_type_name": "Missing"}, contact_id=contact_id + 1000),
        ],
        mode=UpdateMode.PARTIAL,
    )

    assert results[0].status == "error"
    assert [(p.location, p.code) for p in results[0].problems] == [(("group_names", 1), "unknown")]
    assert results[1].status == "error"
    assert set(Contact.objects.get(pk=contact_id).groups.values_list("name", flat=True)) == {"group0"}


def test_a_first_id_that_is_not_found_leaves_the_names_to_the_next_row(nested_org, other_org):
    # The contact sorted first belongs to another organization: it is neither locked nor
    # read, and the names ride in the first row that is.
    stranger = factories.make_contact(other_org).pk
    [mine] = create_contacts(nested_org, 1)
    assert stranger < mine

    sql, results = statements_of(
        lambda: apply(
            nested_org,
            [
                ChangeSet(values={"group_names": ["group7"]}, contact_id=stranger),
                ChangeSet(values={"group_names": ["group7"]}, contact_id=mine),
            ],
            mode=UpdateMode.PARTIAL,
        )
    )

    assert results[0].status == "error" and results[1].status == "updated"
    assert len(names_statements(sql)) == 1
    assert Contact.objects.get(pk=mine).groups.filter(name="group7").exists()
    assert not Contact.objects.get(pk=stranger).groups.exists()


def test_no_contact_found_means_the_names_are_looked_up_on_their_own(nested_org):
    sql, results = statements_of(
        lambda: apply(nested_org, [ChangeSet(values={"group_names": ["group2"]}, contact_id=987654)])
    )

    assert results[0].status == "error"
    carried, own = names_statements(sql)  # the load found nothing to carry them: then alone
    assert carried.lstrip().startswith("WITH locked AS")
    assert not own.lstrip().startswith("WITH locked AS")


def test_ops_items_find_names_after_the_load_they_depend_on(nested_org):
    [contact_id] = create_contacts(nested_org, 1)
    factories.make_group(nested_org, "late")

    add = Operation("add", ("group_names", APPEND), "late")
    item = ChangeSet(values={}, contact_id=contact_id, operations=(add,))

    sql, results = statements_of(lambda: apply(nested_org, [item], mode=UpdateMode.OPS))

    assert results[0].status == "updated", results[0].problems
    [reading] = names_statements(sql)
    assert not reading.lstrip().startswith("WITH locked AS")
    assert Contact.objects.get(pk=contact_id).groups.filter(name="late").exists()
