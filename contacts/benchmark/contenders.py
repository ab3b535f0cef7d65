"""The in-process contenders: the engine's batch, the SQL reference, the serializer yardstick
and single updates through the engine. Each builds its inputs before its clock starts."""

import time
from dataclasses import dataclass

from contacts.benchmark import reference_serializers, reference_sql
from contacts.benchmark.rounds import Measured, timed
from contacts.benchmark.scenario import ACTOR, Scenario, engine_items
from contacts.models import Channel
from contacts.services import ItemStatus, UpdateMode, apply_update, apply_updates


def check_updated(results: list, expected: int) -> None:
    """A run that did not update every contact measured something else: stop."""
    updated = sum(1 for result in results if result.status == ItemStatus.UPDATED)
    if updated != expected:
        failed = next((result for result in results if result.status != ItemStatus.UPDATED), None)
        raise RuntimeError(f"{updated} of {expected} contacts updated; first other result: {failed}")


@dataclass
class EngineBatch:
    """``apply_updates`` with one FULL update of every contact of the scenario."""

    scenario: Scenario
    name: str = "engine batch"

    def run(self, variant: int) -> Measured:
        items = engine_items(self.scenario, variant)
        results: list = []

        def work() -> None:
            results.extend(
                apply_updates(
                    organization=self.scenario.organization,
                    items=items,
                    mode=UpdateMode.FULL,
                    actor=ACTOR,
                    channel=Channel.IMPORT,
                )
            )

        seconds, statements = timed(work)
        check_updated(results, len(items))
        return Measured((seconds,), statements)


@dataclass
class SqlReference:
    """The same writes in hand-written set-based SQL (``reference_sql``)."""

    scenario: Scenario
    name: str = "SQL reference"

    def run(self, variant: int) -> Measured:
        prepared = reference_sql.prepare(self.scenario, variant)
        seconds, statements = timed(lambda: reference_sql.run(prepared))
        return Measured((seconds,), statements)


@dataclass
class SerializerSample:
    """Nested DRF serializers, one contact at a time, over ``sample`` contacts (a different
    window each round); the time is scaled to the whole batch."""

    scenario: Scenario
    sample: int
    name: str = "serializers"
    _next: int = 0

    def run(self, variant: int) -> Measured:
        size = self.scenario.size
        sample = min(self.sample, size)
        indices = [(self._next + offset) % size for offset in range(sample)]
        self._next = (self._next + sample) % size
        ids = [self.scenario.contact_ids[n] for n in indices]
        payloads = [reference_serializers.payload(n, variant) for n in indices]
        seconds, statements = timed(lambda: reference_serializers.run(ids, payloads))
        factor = size / sample
        return Measured((seconds * factor,), round(statements * factor))


@dataclass
class EngineSingles:
    """``apply_update``, one FULL update per call, ``count`` calls per run on successive
    contacts; each call is timed on its own."""

    scenario: Scenario
    count: int
    name: str = "single updates"
    _next: int = 0

    def run(self, variant: int) -> Measured:
        size = self.scenario.size
        count = min(self.count, size)
        indices = [(self._next + offset) % size for offset in range(count)]
        self._next = (self._next + count) % size
        items = engine_items(self.scenario, variant, indices)
        times = []
        for item in items:
            start = time.perf_counter()
            result = apply_update(
                organization=self.scenario.organization,
                item=item,
                mode=UpdateMode.FULL,
                actor=ACTOR,
                channel=Channel.IMPORT,
            )
            times.append(time.perf_counter() - start)
            check_updated([result], 1)
        return Measured(tuple(times))
