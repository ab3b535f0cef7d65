"""The benchmark's figures, assembled from its rounds, and the text the command prints.

Figures are plain JSON-ready dicts (what ``--json`` prints). Times over the rounds carry
their median, minimum, maximum and every value; ratios are taken round by round (the
engine's batch over the SQL reference's of the same round) before their median is taken.
"""

from collections.abc import Sequence

from contacts.benchmark.rounds import Measured, Spread, all_seconds, batch_spread, paired_ratios, percentile
from contacts.benchmark.verdicts import Verdict, describe

MS = 1000


def latency_figures(runs: Sequence[Measured]) -> dict:
    """p50 and p95 over every timed operation, and the spread of the rounds' own p50s."""
    seconds = all_seconds(runs)
    round_p50s = Spread.of([percentile(run.seconds, 0.5) * MS for run in runs])
    return {
        "count": len(seconds),
        "p50_ms": {
            "value": round(percentile(seconds, 0.5) * MS, 3),
            "min": round(round_p50s.low, 3),
            "max": round(round_p50s.high, 3),
        },
        "p95_ms": round(percentile(seconds, 0.95) * MS, 3),
    }


def batch_figures(runs: dict[str, list[Measured]], *, serializer_sample: int, size: int) -> dict:
    engine, sql, serializers = runs["engine batch"], runs.get("SQL reference"), runs["serializers"]
    figures = {
        "size": size,
        "engine": {"seconds": batch_spread(engine).as_json(), "statements": engine[0].statements},
        "serializers": {
            "seconds": batch_spread(serializers).as_json(),
            "statements": serializers[0].statements,
            "sample": min(serializer_sample, size),
            "how": f"{min(serializer_sample, size)} contacts timed per round, scaled to {size}",
        },
        "serializers_vs_engine": paired_ratios(serializers, engine).as_json(2),
    }
    if sql:
        figures["sql_reference"] = {"seconds": batch_spread(sql).as_json(), "statements": sql[0].statements}
        figures["engine_vs_sql"] = paired_ratios(engine, sql).as_json(2)
    return figures


def http_figures(runs: dict[str, list[Measured]], *, size: int) -> dict:
    batch = runs["HTTP batch"]
    figures = {
        "patch": latency_figures(runs["HTTP PATCH"]),
        "batch": {
            "seconds": batch_spread(batch).as_json(),
            "contacts_per_second": batch_spread(batch).inverted(size).as_json(1),
        },
    }
    if "SQL reference" in runs:
        figures["batch"]["vs_sql"] = paired_ratios(batch, runs["SQL reference"]).as_json(2)
    return figures


def _spread(figure: dict, unit: str = " s", digits: int = 3) -> str:
    return f"{figure['median']:.{digits}f}{unit} [{figure['min']:.{digits}f} to {figure['max']:.{digits}f}]"


def render_text(figures: dict, verdicts: list[Verdict], notes: list[str]) -> list[str]:
    """The human-readable report: context, figures by section, then the verdicts."""
    setup = figures["setup"]
    lines = [
        f"Database: {setup['database']} ({setup['cpus']} CPUs). {setup['rounds']} round(s); in each, every contender "
        "runs once, in an order that rotates each round, after the written tables are vacuumed and analysed. "
        "Medians [min to max] over the rounds.",
        f"Machine pace: {_pace(setup)}.",
        "",
        f"Batch of {figures['batch']['size']:,} FULL updates, in-process:",
    ]
    batch = figures["batch"]
    for key, label in (("engine", "engine"), ("sql_reference", "SQL reference"), ("serializers", "serializers")):
        if key in batch:
            lines.append(f"  {label:<15} {_spread(batch[key]['seconds'])}, {batch[key]['statements']:,} statements")
    lines.append(f"  (serializers: {batch['serializers']['how']})")
    if "engine_vs_sql" in batch:
        lines.append(f"  engine / SQL reference: {_spread(batch['engine_vs_sql'], 'x', 2)}")
    lines.append(f"  serializers / engine: {_spread(batch['serializers_vs_engine'], 'x', 1)}")
    single = figures["single"]
    lines += ["", f"Single FULL updates, in-process ({single['count']}): {_latency(single)}"]
    http = figures.get("http")
    if http:
        server = http["server"]
        lines += [
            "",
            f"HTTP (gunicorn, {server['workers']} workers x {server['threads']} threads, "
            f"CONN_MAX_AGE={server['conn_max_age']}):",
            f"  PATCH at concurrency 1 ({http['patch']['count']}): {_latency(http['patch'])}",
            f"  batch of {figures['batch']['size']:,}: {_spread(http['batch']['seconds'])}, "
            f"{_spread(http['batch']['contacts_per_second'], ' contacts/s', 0)}"
            + (f", {_spread(http['batch']['vs_sql'], 'x', 2)} the SQL reference" if "vs_sql" in http["batch"] else ""),
            f"  PATCH at concurrency 8: {_wrk(http['wrk'])}",
        ]
    statements = figures["statements"]
    lines += [
        "",
        f"Statements per request ({statements['how']}):",
        f"  PATCH {_statements(statements['patch'])}, GET {_statements(statements['get'])}",
    ]
    scale = figures.get("scale")
    if scale:
        lines += ["", f"Batch of {scale['batch']:,} FULL updates by organization size ({scale['rounds']} rounds):"]
        lines += [f"  {int(size):>9,} contacts: {_spread(item['seconds'])}" for size, item in scale["sizes"].items()]
        ratio = scale["ratio_max_min"]
        lines.append(
            f"  slowest / fastest size, compared within each round: {ratio['value']:.2f}x (by plain medians: "
            f"{ratio['of_medians']:.2f}x; within a round: {min(ratio['rounds']):.2f}x to {max(ratio['rounds']):.2f}x)"
        )
    lines += ["", "Verdicts (DESIGN §8):", *(f"  {describe(verdict)}" for verdict in verdicts)]
    if notes:
        lines += ["", "Notes:", *(f"  {note}" for note in notes)]
    return lines


def _pace(setup: dict) -> str:
    """The pace line: what the absolute figures should be read against."""
    start, end = setup["pace"]["start"], setup["pace"]["end"]
    return (
        f"a fixed pure-Python workload took {_spread(start['python_seconds'])} at the start and "
        f"{_spread(end['python_seconds'])} at the end, a database round trip (SELECT 1) "
        f"{_spread(start['round_trip_ms'], ' ms')} and {_spread(end['round_trip_ms'], ' ms')} (lower is faster). "
        "Milliseconds and rates move with them, ratios do not: compare two runs' absolute figures only when their "
        "paces are alike"
    )


def _latency(figure: dict) -> str:
    p50 = figure["p50_ms"]
    rounds = f"rounds' p50 {p50['min']:.1f} to {p50['max']:.1f}"
    return f"p50 {p50['value']:.1f} ms ({rounds}), p95 {figure['p95_ms']:.1f} ms"


def _wrk(figure: dict) -> str:
    if "skipped" in figure:
        return f"not measured ({figure['skipped']})"
    latency = ", ".join(f"{name} {value:.1f} ms" for name, value in figure["latency_ms"].items())
    return (
        f"{_spread(figure['requests_per_second'], ' requests/s', 0)} over {figure['rounds']} runs of "
        f"{figure['seconds']} s ({figure['requests']:,} requests, {figure['non_2xx']} not 2xx, "
        f"{figure['socket_errors']} socket errors; the median run's latency {latency})"
    )


def _statements(counted: dict) -> str:
    return (
        f"{counted['count']} ({counted['data']} reading or writing data, {counted['transaction_control']} "
        f"transaction control; the connection's health check made {counted['health_checks']} time(s), sending nothing)"
    )
