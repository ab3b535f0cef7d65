"""``manage.py benchmark``: the engine against DESIGN §8's targets, side by side.

Creates a throw-away organization with ``--size`` nested contacts and an API key, then runs
``--rounds`` interleaved rounds (``contacts.benchmark.rounds``) of: the engine's batch of
FULL updates, the same writes in hand-written set-based SQL (PostgreSQL), the serializer
yardstick on a sample, single FULL updates through the engine, and — unless ``--skip-http``
— single PATCHes and a batch over HTTP against a gunicorn it starts. Then it counts the
statements of a PATCH and a GET, drives PATCHes at concurrency 8 with ``wrk`` (when
installed), and with ``--scale`` measures the batch in organizations of growing size. It
times a fixed pure-Python workload and a database round trip at the start and at the end
(the machine's pace, ``contacts.benchmark.machine``), prints the figures and a PASS/FAIL
verdict per target (``--json``: all of it as JSON), and deletes its organizations afterwards.
"""

import json
import os
import sys
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from contacts.auth.keys import issue_api_key
from contacts.benchmark import http
from contacts.benchmark.contenders import EngineBatch, EngineSingles, SerializerSample, SqlReference
from contacts.benchmark.database import drop_organization, vacuum
from contacts.benchmark.machine import pace
from contacts.benchmark.report import batch_figures, http_figures, latency_figures, render_text
from contacts.benchmark.rounds import Spread, run_rounds
from contacts.benchmark.scale import DEFAULT_SIZES, measure_scale
from contacts.benchmark.scenario import Scenario, create_scenario, reset_groups
from contacts.benchmark.statements import HOW, count_statements
from contacts.benchmark.verdicts import figures_table, judge, replace_figures_table
from contacts.models import Scope


def sizes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError as error:
        raise CommandError(f"--scale-sizes takes numbers separated by commas, not {text!r}") from error


class Command(BaseCommand):
    help = "Measure the update engine against DESIGN §8's targets (set-based SQL, serializers, HTTP, scale)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=1000, help="Contacts per batch (default 1000).")
        parser.add_argument("--rounds", type=int, default=5, help="Interleaved rounds (default 5).")
        parser.add_argument(
            "--serializer-sample", type=int, default=100, help="Contacts the serializer yardstick times per round."
        )
        parser.add_argument("--singles", type=int, default=200, help="Single FULL updates in-process, in all.")
        parser.add_argument("--http-singles", type=int, default=200, help="Single PATCHes over HTTP, in all.")
        parser.add_argument("--wrk-seconds", type=int, default=5, help="Duration of each concurrency-8 run.")
        parser.add_argument("--wrk-rounds", type=int, default=5, help="Concurrency-8 runs (median and spread).")
        parser.add_argument("--skip-http", action="store_true", help="Leave out every HTTP figure.")
        parser.add_argument("--scale", action="store_true", help="Also measure the batch by organization size.")
        parser.add_argument(
            "--scale-sizes",
            type=sizes,
            default=DEFAULT_SIZES,
            help="Organization sizes for --scale (default 1000,10000,100000).",
        )
        parser.add_argument("--scale-rounds", type=int, default=7, help="Interleaved rounds for --scale (default 7).")
        parser.add_argument("--json", action="store_true", help="Print every figure and verdict as JSON.")
        parser.add_argument("--doc", help="Also write the figures table into this Markdown file (docs/scaling.md).")

    def handle(self, *args, **options) -> None:
        self._check(options)
        self.as_json = options["json"]
        figures, remarks, notes = self._measure(options)
        verdicts = judge(figures, remarks)
        if self.as_json:
            verdict_list = [verdict.as_json() for verdict in verdicts]
            self.stdout.write(json.dumps({**figures, "verdicts": verdict_list, "notes": notes}, indent=2))
        else:
            self.stdout.write("\n".join(render_text(figures, verdicts, notes)))
        if options["doc"]:
            self._write_doc(options["doc"], figures, verdicts)

    def _check(self, options: dict) -> None:
        if min(options["size"], options["rounds"], options["scale_rounds"]) < 1:
            raise CommandError("--size, --rounds and --scale-rounds must be at least 1.")
        if options["scale"] and min(options["scale_sizes"]) < options["size"]:
            raise CommandError("Every --scale-sizes size must hold the batch (--size).")

    def say(self, message: str) -> None:
        """Progress, on stderr with ``--json`` so that stdout stays one JSON document."""
        (self.stderr if self.as_json else self.stdout).write(message)

    def _measure(self, options: dict) -> tuple[dict, dict[str, str], list[str]]:
        """Every figure, the remarks on some of them by key (why one was not measured, what
        to keep in mind), and general notes."""
        remarks: dict[str, str] = {}
        notes: list[str] = []
        setup = {"database": connection.vendor, "cpus": os.cpu_count(), "size": options["size"]}
        setup |= {"rounds": options["rounds"], "python": sys.version.split()[0]}
        figures: dict = {"setup": setup | {"started": timezone.now().isoformat(timespec="seconds")}}
        pace_at_start = pace()
        self._measure_organization(options, figures, remarks)
        if connection.vendor != "postgresql":
            remarks["batch.engine_vs_sql"] = "the SQL reference needs PostgreSQL"
            notes.append("The SQL reference and VACUUM need PostgreSQL: on SQLite only ANALYZE runs between runs.")
        if options["skip_http"]:
            remarks["http"] = "--skip-http"
        elif figures["http"]["server"]["conn_max_age"] == "0":
            notes.append("HTTP: CONN_MAX_AGE=0, so every request opens a new database connection.")
        if options["scale"]:
            self.say(f"Scale: organizations of {', '.join(f'{s:,}' for s in options['scale_sizes'])} contacts…")
            result = measure_scale(
                batch=options["size"], sizes=options["scale_sizes"], rounds=options["scale_rounds"], say=self.say
            )
            figures["scale"] = result.as_json()
        else:
            remarks["scale"] = "run with --scale"
        figures["setup"]["pace"] = {"start": pace_at_start, "end": pace()}
        return figures, remarks, notes

    def _measure_organization(self, options: dict, figures: dict, remarks: dict[str, str]) -> None:
        """The rounds, the concurrency run and the statement counts, in one throw-away
        organization with its own API key."""
        size = options["size"]
        self.say(f"Creating {size:,} nested contacts…")
        scenario = create_scenario(size)
        organization = scenario.organization
        scopes = list(Scope.values)
        secret = issue_api_key(organization=organization, scopes=scopes, username=f"benchmark-{organization.pk}").secret
        try:
            vacuum()
            with nullcontext() if options["skip_http"] else http.gunicorn_server() as server:
                if server is not None:
                    self.say(f"Warming the server up ({http.warm_up(server, scenario, secret)} requests)…")
                runs, variant = self._rounds(scenario, secret, server, options)
                figures["batch"] = batch_figures(runs, serializer_sample=options["serializer_sample"], size=size)
                figures["single"] = latency_figures(runs["single updates"])
                if server is not None:
                    figures["http"] = http_figures(runs, size=size)
                    figures["http"]["server"] = {
                        "workers": server.workers,
                        "threads": server.threads,
                        "conn_max_age": server.conn_max_age,
                    }
                    figures["http"]["wrk"] = self._wrk(
                        server, scenario, secret, options["wrk_seconds"], options["wrk_rounds"], remarks
                    )
                counted = count_statements(scenario, secret, variant=variant + 1)
                figures["statements"] = {"how": HOW} | {
                    method.lower(): statements.as_json() for method, statements in counted.items()
                }
        finally:
            drop_organization(organization)

    def _rounds(self, scenario: Scenario, secret: str, server, options: dict) -> tuple[dict, int]:
        rounds = options["rounds"]
        contenders: list = [EngineBatch(scenario)]
        if connection.vendor == "postgresql":
            contenders.append(SqlReference(scenario))
        contenders += [
            SerializerSample(scenario, options["serializer_sample"]),
            EngineSingles(scenario, max(1, options["singles"] // rounds)),
        ]
        if server is not None:
            contenders += [
                http.HttpSingles(server, scenario, secret, max(1, options["http_singles"] // rounds)),
                http.HttpBatch(server, scenario, secret),
            ]
        self.say(f"{rounds} rounds of: {', '.join(contender.name for contender in contenders)}…")

        def between() -> None:
            reset_groups(scenario)
            vacuum()

        return run_rounds(contenders, rounds=rounds, between=between, first_variant=0)

    def _wrk(self, server, scenario: Scenario, secret: str, seconds: int, rounds: int, remarks: dict[str, str]) -> dict:
        """PATCHes at concurrency 8, ``rounds`` runs of ``seconds`` each (the table vacuumed
        before each): requests per second as median and spread, the latencies of the median
        run, counts summed."""
        key = "http.wrk.requests_per_second"
        if http.wrk_path() is None:
            remarks[key] = "wrk is not installed (Debian package wrk)"
            return {"skipped": remarks[key]}
        self.say(f"wrk: PATCHes at concurrency {http.CONCURRENCY}, {rounds} runs of {seconds} s…")
        results = []
        for round_ in range(rounds):
            reset_groups(scenario)
            vacuum()
            # Each run's values lie beyond what an earlier run can have sent (the phone numbers
            # take the counter's last six digits: up to 200,000 requests per run stay unique).
            results.append(http.run_wrk(server, scenario, secret, seconds=seconds, base=round_ * 200_000))
        rates = Spread.of([result.requests_per_second for result in results])
        median_run = sorted(results, key=lambda result: result.requests_per_second)[len(results) // 2]
        non_2xx, socket_errors = sum(r.non_2xx for r in results), sum(r.socket_errors for r in results)
        if non_2xx or socket_errors:
            remarks[key] = f"{non_2xx} answers not 2xx and {socket_errors} socket errors among them"
        return {
            "seconds": seconds,
            "rounds": rounds,
            "connections": http.CONCURRENCY,
            "threads": http.WRK_THREADS,
            "requests_per_second": rates.as_json(digits=1),
            "requests": sum(result.requests for result in results),
            "non_2xx": non_2xx,
            "socket_errors": socket_errors,
            "latency_ms": median_run.latency_ms,
        }

    def _write_doc(self, path: str, figures: dict, verdicts: list) -> None:
        setup = figures["setup"]
        measured = (
            f"{setup['started']}, {setup['database']}, {setup['cpus']} CPUs, batch of {figures['batch']['size']:,}, "
            f"{setup['rounds']} round(s), machine pace {setup['pace']['start']['python_seconds']['median']:.3f} s "
            f"and {setup['pace']['start']['round_trip_ms']['median']:.3f} ms"
        )
        with open(path, encoding="utf-8") as document:
            text = document.read()
        with open(path, "w", encoding="utf-8") as document:
            document.write(replace_figures_table(text, figures_table(verdicts, measured)))
        self.say(f"Figures written to {path}.")
