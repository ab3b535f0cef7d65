"""Interleaved rounds and their statistics (DESIGN §8: contenders side by side, several rounds).

Every contender runs once per round, in an order that rotates from one round to the next,
and each run starts after the same untimed step (the benchmark's: groups reset, written
tables vacuumed and analysed). A contender builds its inputs before its clock starts and
times only the work it stands for, so that a slow machine moment or a bloated table costs
every contender alike and medians over the rounds compare like with like.
"""

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from django.db import connection


@dataclass(frozen=True)
class Measured:
    """One run of a contender: the seconds of each timed operation (one for a batch, one
    per update for single updates) and the SQL statements they sent."""

    seconds: tuple[float, ...]
    statements: int | None = None


class Contender(Protocol):
    name: str

    def run(self, variant: int) -> Measured:
        """Build the inputs for ``variant`` (untimed), then time the work."""
        ...


@dataclass(frozen=True)
class Spread:
    """Some measurements (one per round, say) with their median and extremes."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        return cls(tuple(values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def inverted(self, numerator: float) -> "Spread":
        """``numerator / value`` of each value (seconds per batch → contacts per second)."""
        return Spread(tuple(numerator / value for value in self.values))

    def as_json(self, digits: int = 4) -> dict[str, object]:
        return {
            "median": round(self.median, digits),
            "min": round(self.low, digits),
            "max": round(self.high, digits),
            "values": [round(value, digits) for value in self.values],
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95: the value 95 % of the samples do not exceed)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@contextmanager
def counting_statements() -> Iterator[dict[str, int]]:
    """Counts the statements Django sends on the default connection (BEGIN and COMMIT are
    not statements there: the driver sends them)."""
    counter = {"statements": 0}

    def count(execute, sql, params, many, context):
        counter["statements"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def timed(work: Callable[[], object]) -> tuple[float, int]:
    """Seconds and statements of one call, after a garbage collection outside the clock."""
    gc.collect()
    with counting_statements() as counter:
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
    return elapsed, counter["statements"]


def run_rounds(
    contenders: Sequence[Contender], *, rounds: int, between: Callable[[], None], first_variant: int
) -> tuple[dict[str, list[Measured]], int]:
    """Run every contender once per round, the order rotating each round, ``between`` before
    each run. Returns each contender's runs and the last variant used."""
    runs: dict[str, list[Measured]] = {contender.name: [] for contender in contenders}
    variant = first_variant
    for round_number in range(rounds):
        shift = round_number % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            between()
            variant += 1
            runs[contender.name].append(contender.run(variant))
    return runs, variant


def batch_spread(runs: Sequence[Measured]) -> Spread:
    """Spread of the batch time over the rounds (one timed operation per run)."""
    return Spread.of([run.seconds[0] for run in runs])


def paired_ratios(numerators: Sequence[Measured], denominators: Sequence[Measured]) -> Spread:
    """Ratio of two contenders' batch times, round by round: a slow round slows both."""
    return Spread.of([a.seconds[0] / b.seconds[0] for a, b in zip(numerators, denominators, strict=True)])


def all_seconds(runs: Sequence[Measured]) -> list[float]:
    return [seconds for run in runs for seconds in run.seconds]
