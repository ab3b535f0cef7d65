"""The cost of a batch against the size of its organization (DESIGN §8: it does not grow).

One organization per size (1,000, 10,000 and 100,000 contacts by default), each holding the
scenario's contacts plus filler contacts with nested rows (``database.fill_organization``),
all in the same tables. The engine's batch runs on each organization in interleaved rounds,
so every size sees the same tables, the same machine moments and the same vacuuming.

Sizes are compared within each round, as the engine is compared with the SQL reference:
each run's time is taken relative to the median of its round, each size keeps the median
of its relative times over the rounds, and the figure is the largest of those over the
smallest. What other processes on the machine take comes in bursts that fall on one run or
one round; a cost that grows with the organization shows in every round. The ratio of the
plain medians and the ratio within each round are reported too.
"""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contacts.benchmark.contenders import EngineBatch
from contacts.benchmark.database import drop_organization, fill_organization, vacuum
from contacts.benchmark.rounds import Spread, batch_spread, run_rounds
from contacts.benchmark.scenario import Scenario, create_scenario, reset_groups

DEFAULT_SIZES = (1_000, 10_000, 100_000)


@dataclass(frozen=True)
class ScaleResult:
    batch: int
    rounds: int
    sizes: tuple[int, ...]
    spreads: tuple[Spread, ...]
    statements: tuple[int | None, ...]

    @property
    def relative(self) -> list[float]:
        """Each size's median, over the rounds, of its time relative to its round's median."""
        rounds = zip(*(spread.values for spread in self.spreads), strict=True)
        relative = [[seconds / statistics.median(times) for seconds in times] for times in rounds]
        return [statistics.median(column) for column in zip(*relative, strict=True)]

    @property
    def ratio(self) -> float:
        """The slowest size over the fastest, compared round by round."""
        relative = self.relative
        return max(relative) / min(relative)

    @property
    def ratio_of_medians(self) -> float:
        medians = [spread.median for spread in self.spreads]
        return max(medians) / min(medians)

    @property
    def round_ratios(self) -> list[float]:
        """The same ratio within each round (how far apart the sizes were round by round)."""
        rounds = zip(*(spread.values for spread in self.spreads), strict=True)
        return [max(times) / min(times) for times in rounds]

    def as_json(self) -> dict:
        return {
            "batch": self.batch,
            "rounds": self.rounds,
            "sizes": {
                str(size): {"seconds": spread.as_json(), "statements": statements}
                for size, spread, statements in zip(self.sizes, self.spreads, self.statements, strict=True)
            },
            "ratio_max_min": {
                "value": round(self.ratio, 3),
                "of_medians": round(self.ratio_of_medians, 3),
                "rounds": [round(ratio, 3) for ratio in self.round_ratios],
                "how": "value: the largest over the smallest of each size's median time relative to its round's "
                "median; of_medians: the slowest size's median over the fastest's; rounds: max/min within each round",
            },
        }


def measure_scale(*, batch: int, sizes: Sequence[int], rounds: int, say: Callable[[str], None]) -> ScaleResult:
    """The engine's batch of ``batch`` FULL updates in organizations of each size."""
    scenarios: list[Scenario] = []
    try:
        for size in sizes:
            scenario = create_scenario(batch, label=f"Benchmark scale {size}")
            scenarios.append(scenario)
            fill_organization(scenario.organization, size - batch)
            say(f"  organization of {size:,} contacts ready")
        vacuum()
        contenders = [
            EngineBatch(scenario, name=f"{size} contacts") for scenario, size in zip(scenarios, sizes, strict=True)
        ]

        def between() -> None:
            for scenario in scenarios:
                reset_groups(scenario)
            vacuum()

        runs, _ = run_rounds(contenders, rounds=rounds, between=between, first_variant=0)
    finally:
        for scenario in scenarios:
            drop_organization(scenario.organization)
    return ScaleResult(
        batch=batch,
        rounds=rounds,
        sizes=tuple(sizes),
        spreads=tuple(batch_spread(runs[contender.name]) for contender in contenders),
        statements=tuple(runs[contender.name][0].statements for contender in contenders),
    )
