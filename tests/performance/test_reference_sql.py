"""The benchmark's SQL reference writes what the engine writes (DESIGN §8: "the same writes"),
so that the ratio between them compares like with like."""

import pytest
from django.db import connection

from contacts.benchmark import reference_sql
from contacts.benchmark.contenders import EngineBatch
from contacts.benchmark.scenario import create_scenario
from tests.performance.outcome import latest_changes, stored

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL reference is PostgreSQL's")


def test_the_sql_reference_leaves_the_contacts_as_the_engine_does(db):
    by_engine, by_sql = create_scenario(5), create_scenario(5)

    EngineBatch(by_engine).run(3)
    reference_sql.run(reference_sql.prepare(by_sql, 3))

    assert stored(by_sql) == stored(by_engine)
    assert stored(by_sql)[0][0] == "First0v3"
    # Its history rows say what the engine's say: before and after of every changed field.
    assert latest_changes(by_sql) == latest_changes(by_engine)
    assert latest_changes(by_sql)[0]["paths"]["before"][0]["value"] == "+33612000000"
