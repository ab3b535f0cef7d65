"""The benchmark's SQL reference writes what the engine writes (DESIGN §8: "the same writes"),
so that the ratio between them compares like with like."""

import pytest
from django.db import connection

from contacts.benchmark import reference_sql
from contacts.benchmark.contenders import EngineBatch
from contacts.benchmark.scenario import create_scenario
from paths.models import QuietTimeFrame
from tests.performance.outcome import latest_changes, stored

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL reference is PostgreSQL's")


def test_the_sql_reference_leaves_the_contacts_as_the_engine_does(db):
    by_engine, by_sql = create_scenario(5), create_scenario(5)
    frames_before = {scenario.organization.pk: frame_ids(scenario) for scenario in (by_engine, by_sql)}

    EngineBatch(by_engine).run(3)
    reference_sql.run(reference_sql.prepare(by_sql, 3))

    assert stored(by_sql) == stored(by_engine)
    # Both rewrite the quiet time frames in place: the same rows, new values.
    for scenario in (by_engine, by_sql):
        assert frame_ids(scenario) == frames_before[scenario.organization.pk] != []
    assert stored(by_sql)[0][0] == "First0v3"
    # Its history rows say what the engine's say: before and after of every changed field.
    assert latest_changes(by_sql) == latest_changes(by_engine)
    assert latest_changes(by_sql)[0]["paths"]["before"][0]["value"] == "+33612000000"


def frame_ids(scenario) -> list[int]:
    frames = QuietTimeFrame.objects.filter(path__contact_id__in=scenario.contact_ids)
    return list(frames.order_by("id").values_list("id", flat=True))
