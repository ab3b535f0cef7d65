"""The engine never reads, locks or writes another organization's rows (DESIGN §6): every
statement on a table with an organization names it, the rows below a contact are reached
only through the contacts an organization-filtered lock returned, and ids of another tenant
are simply not found (and not locked)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet, ProblemCode, UpdateMode
from contacts.services.ops import Operation, Select
from tests.engine.builders import apply, create_contacts, full_values
from tests.sessions import held_open

#: Tables whose rows carry their organization.
ORGANIZATION_TABLES = (
    "contacts_contact",
    "contacts_recordtype",
    "contacts_group",
    "contacts_topic",
    "contacts_tag",
    "contacts_source",
    "paths_pathdefinition",
    "attributes_attributedefinition",
)


def test_a_batch_naming_another_organizations_ids_finds_nothing_and_changes_nothing(nested_org, other_org):
    ids = create_contacts(nested_org, 2)

    results = apply(other_org, [ChangeSet(values=full_values(n, variant="b"), contact_id=i) for n, i in enumerate(ids)])

    assert [result.has(ProblemCode.NOT_FOUND) for result in results] == [True, True]
    assert set(Contact.objects.filter(pk__in=ids).values_list("version", "first_name")) == {
        (1, "First0a"),
        (1, "First1a"),
    }
    assert not ContactChange.objects.filter(organization=other_org).exists()


def test_every_statement_on_an_organization_table_names_the_organization(nested_org):
    ids = create_contacts(nested_org, 3, nested=2)
    full = [
        ChangeSet(values=full_values(n, nested=1, variant="b") | {"topics": []}, contact_id=i)
        for n, i in enumerate(ids[:2])
    ]
    ops = ChangeSet(
        values={},
        contact_id=ids[2],
        operations=(
            Operation("remove", ("group_names", Select("value", "group1"))),
            Operation("remove", ("paths", Select("prompt", "path1"))),
            Operation("replace", ("first_name",), "Changed"),
        ),
    )

    with CaptureQueriesContext(connection) as captured:
        assert {r.status for r in apply(nested_org, full)} == {"updated"}
        assert apply(nested_org, [ops], mode=UpdateMode.OPS)[0].status == "updated"
        assert apply(nested_org, [ChangeSet(values=full_values(9) | {"topics": []})])[0].status == "created"

    reads_and_writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].split()[0].upper() in ("SELECT", "UPDATE", "WITH")
    ]
    on_organization_tables = [
        sql
        for sql in reads_and_writes
        if any(f'FROM "{name}"' in sql or f'UPDATE "{name}"' in sql for name in ORGANIZATION_TABLES)
    ]
    # The locks, the lookups, the external id check, the contacts' updates (on PostgreSQL
    # inside the statements that hold every write; test_tenant_statements reads those part by part).
    assert len(on_organization_tables) >= 8
    assert [sql for sql in on_organization_tables if "organization_id" not in sql] == []
    stored = Contact.objects.get(pk=ids[2])
    assert stored.first_name == "Changed"
    assert list(stored.paths.values_list("definition__prompt", flat=True)) == ["path0"]
    assert list(stored.groups.values_list("name", flat=True)) == ["group0"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_batch_of_another_organization_locks_none_of_its_rows(org, other_org):
    [created] = apply(
        org,
        [ChangeSet(values={"external_id": "a", "first_name": "A", "last_name": "A", "record_type_name": "Employee"})],
    )
    results = []

    def batch_of_the_other_organization() -> None:
        """Name A's contact in B's batch (B's transaction is then held open)."""
        changes = [ChangeSet(values={"first_name": "B"}, contact_id=created.contact_id)]
        results.extend(apply(other_org, changes, mode=UpdateMode.PARTIAL))

    with held_open(batch_of_the_other_organization), transaction.atomic(), connection.cursor() as cursor:
        # Fails with "could not obtain lock" when B's batch holds A's row.
        cursor.execute("SELECT id FROM contacts_contact WHERE id = %s FOR UPDATE NOWAIT", [created.contact_id])
        assert cursor.fetchone() == (created.contact_id,)
    assert results[0].has(ProblemCode.NOT_FOUND)
    assert Contact.objects.get(pk=created.contact_id).first_name == "A"
