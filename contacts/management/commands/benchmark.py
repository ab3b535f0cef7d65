"""``manage.py benchmark``: the engine against its two yardsticks, side by side (DESIGN §8).

Creates a throw-away organization with ``--size`` nested contacts, then measures a batch of
FULL updates through the engine, the same writes in hand-written set-based SQL (PostgreSQL),
the same updates one by one through nested DRF serializers, and single FULL updates through
the engine. Prints times, query counts and ratios; deletes the organization afterwards.
"""

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from contacts.benchmark import reference_serializers, reference_sql
from contacts.benchmark.scenario import ACTOR, create_scenario, engine_items, values
from contacts.models import Channel
from contacts.services import UpdateMode, apply_update, apply_updates

TARGET_VS_SQL = 3.0
TARGET_VS_SERIALIZERS = 30.0
TARGET_SINGLE_P50_MS = 15.0


@contextmanager
def counting_queries():
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def timed(run: Callable[[], object]) -> tuple[float, int]:
    with counting_queries() as counter:
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
    return elapsed, counter["queries"]


class Command(BaseCommand):
    help = "Measure the update engine against set-based SQL and nested DRF serializers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=1000, help="Contacts per batch (default 1000).")
        parser.add_argument("--repeat", type=int, default=3, help="Batch runs per contender; the median counts.")
        parser.add_argument(
            "--serializer-sample", type=int, default=None, help="Contacts for the serializer yardstick (default: all)."
        )
        parser.add_argument("--singles", type=int, default=50, help="Single FULL updates timed for p50/p95.")

    def handle(self, *args, size: int, repeat: int, serializer_sample: int | None, singles: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; batch of {size} FULL updates, median of {repeat} runs.")
        scenario = create_scenario(size)
        variant = 0
        try:
            engine_runs = []
            for _ in range(repeat):
                variant += 1
                items = engine_items(scenario, variant)
                engine_runs.append(timed(lambda items=items: self._engine(scenario, items)))
            engine_time, engine_queries = statistics.median(t for t, _ in engine_runs), engine_runs[0][1]
            self._row("engine (batch)", engine_time, engine_queries)

            sql_time = None
            if connection.vendor == "postgresql":
                sql_runs = []
                for _ in range(repeat):
                    variant += 1
                    sql_runs.append(timed(lambda v=variant: reference_sql.run(scenario, v)))
                sql_time = statistics.median(t for t, _ in sql_runs)
                self._row("set-based SQL reference", sql_time, sql_runs[0][1])
            else:
                self.stdout.write("  set-based SQL reference: needs PostgreSQL, skipped")

            sample = min(serializer_sample or size, size)
            variant += 1
            payloads = [self._serializer_payload(n, variant) for n in range(sample)]
            naive_time, naive_queries = timed(
                lambda: reference_serializers.run(scenario.contact_ids[:sample], payloads)
            )
            naive_time_full = naive_time * size / sample
            label = "nested DRF serializers, one by one" + ("" if sample == size else f" ({sample}, scaled)")
            self._row(label, naive_time_full, naive_queries * size // sample)

            single_times = self._singles(scenario, singles, variant)
            p50, p95 = statistics.median(single_times), statistics.quantiles(single_times, n=20)[-1]
            self.stdout.write(f"  single FULL update (engine): p50 {p50:.1f} ms, p95 {p95:.1f} ms over {singles}")

            self.stdout.write("Targets:")
            if sql_time:
                self._target(
                    f"engine within {TARGET_VS_SQL:g}x the SQL reference", engine_time / sql_time, TARGET_VS_SQL, "x"
                )
            speedup = naive_time_full / engine_time
            self._target(
                f"engine at least {TARGET_VS_SERIALIZERS:g}x faster than serializers",
                speedup,
                TARGET_VS_SERIALIZERS,
                "x",
                more=True,
            )
            self._target(f"single update p50 at most {TARGET_SINGLE_P50_MS:g} ms", p50, TARGET_SINGLE_P50_MS, " ms")
        finally:
            scenario.organization.delete()

    def _engine(self, scenario, items) -> None:
        results = apply_updates(
            organization=scenario.organization, items=items, mode=UpdateMode.FULL, actor=ACTOR, channel=Channel.IMPORT
        )
        failed = [result for result in results if not result.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} items failed: {failed[0].problems}")

    def _singles(self, scenario, count: int, variant: int) -> list[float]:
        times = []
        for n in range(count):
            item = engine_items(scenario, variant + 1 + n)[n % len(scenario.contact_ids)]
            start = time.perf_counter()
            apply_update(
                organization=scenario.organization, item=item, mode=UpdateMode.FULL, actor=ACTOR, channel=Channel.IMPORT
            )
            times.append((time.perf_counter() - start) * 1000)
        return times

    @staticmethod
    def _serializer_payload(n: int, variant: int) -> dict:
        payload = values(n, variant)
        return {
            key: payload[key]
            for key in ("first_name", "last_name", "email", "title", "company_name", "paths", "attributes")
        } | {"group_names": payload["group_names"]}

    def _row(self, label: str, seconds: float, queries: int) -> None:
        self.stdout.write(f"  {label}: {seconds:.3f} s, {queries} queries")

    def _target(self, label: str, value: float, target: float, unit: str, more: bool = False) -> None:
        met = value >= target if more else value <= target
        verdict = self.style.SUCCESS("met") if met else self.style.WARNING("missed")
        self.stdout.write(f"  {label}: {value:.2f}{unit} ({verdict})")
