"""The machine's pace (``contacts.benchmark.machine``): the same work each time, timed."""

import gc

from django.db import connection

from contacts.benchmark import machine


def test_the_workload_does_the_same_work_every_time():
    assert machine.workload() == machine.workload() == 20_000


def test_the_pace_times_each_repeat_of_the_workload(monkeypatch):
    ticks = iter([10.0, 10.5, 20.0, 20.25, 30.0, 31.0])
    calls = []
    monkeypatch.setattr(machine.time, "perf_counter", lambda: next(ticks))
    monkeypatch.setattr(machine, "workload", lambda: calls.append(gc.isenabled()))

    spread = machine.python_pace(repeats=3)

    assert spread.values == (0.5, 0.25, 1.0)
    assert spread.median == 0.5
    assert calls == [False] * 4  # one untimed run first; none with the cycle collector running
    assert gc.isenabled()


def test_the_pace_leaves_a_paused_collector_paused():
    gc.disable()
    try:
        machine.python_pace(repeats=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_round_trip_pace_times_statements_on_the_database_connection(db):
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        spread = machine.round_trip_pace(repeats=2, count=3)

    assert len(spread.values) == 2 and spread.low > 0
    assert statements == ["SELECT 1"] * 7  # one untimed first


def test_the_pace_reports_both_measures_in_json(db):
    paces = machine.pace(repeats=2)

    assert set(paces) == {"python_seconds", "round_trip_ms"}
    assert all(len(spread["values"]) == 2 and spread["median"] > 0 for spread in paces.values())
