"""The machine's pace while the benchmark runs, taken at the start of the run and again at its
end: how long one fixed piece of pure-Python work takes, and how long one round trip to the
database (``SELECT 1``) takes.

The absolute figures (milliseconds, requests and contacts per second) belong to the machine
as much as to the code. On two shared virtual machines of this project's kind, the same code
ran the batch of 1,000 FULL updates in 0.27 s and in 0.60 s. The ratios (the engine over the
SQL reference, the serializers over the engine) hold through such swings; the absolute
targets do not. The two paces watch the two kinds of work the figures are made of: Python
on the one hand, and on the other the hand-offs between processes (client, server and
database) that every request makes several times, which a virtual machine may slow down
while its Python runs at full speed. The report prints them beside the figures, so that two
runs can be told apart: a slower machine slows them too, slower code does not.
"""

import gc
import json
import time

from django.db import connection

from contacts.benchmark.rounds import Spread

#: Timed runs of each measure every time the pace is taken (their median is the pace).
REPEATS = 5
#: Round trips per timed run.
ROUND_TRIPS = 200


def workload() -> int:
    """Work of the kind a request does in Python (dicts, strings, JSON both ways, a sort), the
    same every time: about 0.1 s on this kind of machine."""
    rows = [{"id": n, "name": f"contact {n}", "values": [n, n * 2, str(n)]} for n in range(20_000)]
    by_name = {row["name"]: row for row in rows}
    decoded = json.loads(json.dumps(rows))
    decoded.sort(key=lambda row: (row["values"][2], row["id"]))
    return len(by_name) + decoded[0]["id"]


def pace(repeats: int = REPEATS) -> dict[str, dict]:
    """Both measures, as JSON-ready spreads over ``repeats`` runs: the workload's seconds
    (``python_seconds``) and a database round trip's milliseconds (``round_trip_ms``)."""
    return {
        "python_seconds": python_pace(repeats).as_json(),
        "round_trip_ms": Spread.of([seconds * 1000 for seconds in round_trip_pace(repeats).values]).as_json(),
    }


def python_pace(repeats: int = REPEATS) -> Spread:
    """The workload's wall-clock seconds over ``repeats`` runs, after one untimed run. The
    cycle collector is paused meanwhile: it would walk the whole heap, which is larger at
    the end of a run than at its start, and the pace is the machine's, not the heap's."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        workload()
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            workload()
            seconds.append(time.perf_counter() - start)
    finally:
        if collecting:
            gc.enable()
    return Spread.of(seconds)


def round_trip_pace(repeats: int = REPEATS, count: int = ROUND_TRIPS) -> Spread:
    """Seconds per ``SELECT 1`` on the command's database connection, over ``repeats`` runs
    of ``count``, after one untimed statement (SQLite answers in-process: no round trip)."""
    seconds = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(count):
                cursor.execute("SELECT 1")
                cursor.fetchone()
            seconds.append((time.perf_counter() - start) / count)
    return Spread.of(seconds)
