"""The benchmark's SQL reference writes what the engine writes (DESIGN §8: "the same writes"),
so that the ratio between them compares like with like."""

import pytest
from django.db import connection

from contacts.benchmark import reference_sql
from contacts.benchmark.contenders import EngineBatch
from contacts.benchmark.scenario import Scenario, create_scenario
from contacts.models import Contact, ContactChange

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL reference is PostgreSQL's")


def stored(scenario: Scenario) -> list[tuple]:
    """What a FULL update of the scenario changes, contact by contact, in the contacts' order."""
    contacts = (
        Contact.objects.filter(organization=scenario.organization)
        .prefetch_related("groups", "paths__definition", "paths__quiet_time_frames", "attribute_values__definition")
        .order_by("pk")
    )
    return [
        (
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.title,
            contact.company_name,
            contact.version,
            sorted(group.name for group in contact.groups.all()),
            sorted(
                (
                    path.definition.prompt,
                    path.value,
                    [
                        (f.name, f.days, f.from_hour, f.from_min, f.to_hour, f.to_min)
                        for f in path.quiet_time_frames.all()
                    ],
                )
                for path in contact.paths.all()
            ),
            sorted((value.definition.name, value.values) for value in contact.attribute_values.all()),
            ContactChange.objects.filter(contact=contact).count(),
        )
        for contact in contacts
    ]


def test_the_sql_reference_leaves_the_contacts_as_the_engine_does(db):
    by_engine, by_sql = create_scenario(5), create_scenario(5)

    EngineBatch(by_engine).run(3)
    reference_sql.run(reference_sql.prepare(by_sql, 3))

    assert stored(by_sql) == stored(by_engine)
    assert stored(by_sql)[0][0] == "First0v3"
