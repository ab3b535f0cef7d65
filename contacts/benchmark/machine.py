"""The machine's pace while the benchmark runs: how long one fixed piece of pure-Python work
takes, timed at the start of the run and again at its end.

The absolute figures (milliseconds, requests and contacts per second) belong to the machine
as much as to the code. On a shared virtual machine of this project's kind, the same code
ran the batch of 1,000 FULL updates in 0.27 s one day and in 0.60 s another, and this
workload's time moved with it. The ratios (the engine over the SQL reference, the
serializers over the engine) hold through such swings; the absolute targets do not. The
report prints the pace beside the figures, so that two runs can be told apart: a slower
machine slows this workload too, slower code does not.
"""

import gc
import json
import time

from contacts.benchmark.rounds import Spread

#: Timed runs of the workload each time the pace is taken (their median is the pace).
REPEATS = 5


def workload() -> int:
    """Work of the kind a request does in Python (dicts, strings, JSON both ways, a sort), the
    same every time: about 0.1 s on this kind of machine."""
    rows = [{"id": n, "name": f"contact {n}", "values": [n, n * 2, str(n)]} for n in range(20_000)]
    by_name = {row["name"]: row for row in rows}
    decoded = json.loads(json.dumps(rows))
    decoded.sort(key=lambda row: (row["values"][2], row["id"]))
    return len(by_name) + decoded[0]["id"]


def pace(repeats: int = REPEATS) -> Spread:
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
