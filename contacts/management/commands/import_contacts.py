"""``manage.py import_contacts FILE --org ID [--mode partial|full] [--dry-run] [--report PATH]``:
a CSV or XLSX file through the engine in batches of 1,000 (DESIGN §12), read as a stream."""

import csv
from contextlib import closing
from pathlib import Path
from typing import IO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from contacts.dialects.spreadsheet.columns import HeaderRefused
from contacts.dialects.spreadsheet.files import XLSX_MAGIC, FileRefused, read_rows
from contacts.dialects.spreadsheet.importer import ImportSummary, RowOutcome, import_rows
from contacts.models import Organization
from contacts.services import Actor, UpdateMode

#: Failed rows named in the summary itself; the report file holds them all.
SHOWN_FAILURES = 20


class Command(BaseCommand):
    help = (
        "Import contacts from a CSV (UTF-8, header row) or XLSX file. Rows are matched by id, else by "
        "externalId: known contacts are updated, new external ids created. Exits with status 1 when a row "
        "failed (the others are applied) and writes every failure to the report file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or XLSX file.")
        parser.add_argument("--org", type=int, required=True, help="Organization id.")
        parser.add_argument(
            "--mode",
            choices=[UpdateMode.PARTIAL.value, UpdateMode.FULL.value],
            default=UpdateMode.PARTIAL.value,
            help="partial (default): the file's columns change; full: each row is the whole contact.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; change nothing.")
        parser.add_argument(
            "--report", type=Path, help="Where to write failed rows (CSV). Default: FILE with -errors.csv."
        )

    def handle(self, *args, file: Path, org: int, mode: str, dry_run: bool, report: Path | None, **options) -> None:
        organization = Organization.objects.filter(pk=org).first()
        if organization is None:
            raise CommandError(f"No organization with id {org}.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        report = report or file.with_name(f"{file.stem}-errors.csv")
        summary = ImportSummary()
        failures: list[RowOutcome] = []
        with (
            file.open("rb") as stream,
            closing(read_rows(stream)) as rows,
            report.open("w", newline="", encoding="utf-8") as report_file,
        ):
            writer = csv.writer(report_file)
            writer.writerow(["line", "column", "problem"])
            outcomes = import_rows(
                organization=organization,
                rows=rows,
                mode=UpdateMode(mode),
                actor=Actor(label=f"import:{file.name}"),
                dry_run=dry_run,
            )
            progress = tqdm(total=_estimate_rows(stream), unit=" rows", file=self.stderr, disable=None)
            try:
                for outcome in outcomes:
                    summary.add(outcome)
                    progress.update()
                    if outcome.errors:
                        writer.writerows(_report_lines(outcome))
                        if len(failures) < SHOWN_FAILURES:
                            failures.append(outcome)
            except (HeaderRefused, FileRefused) as error:
                raise CommandError(str(error)) from error
            finally:
                progress.close()
        self._summarize(summary, failures, report, dry_run=dry_run)

    def _summarize(self, summary: ImportSummary, failures: list[RowOutcome], report: Path, *, dry_run: bool) -> None:
        prefix = "Dry run, nothing changed: would be " if dry_run else ""
        self.stdout.write(f"{prefix}{summary} ({summary.rows} rows).")
        for outcome in failures:
            for line in _report_lines(outcome):
                self.stdout.write(f"line {line[0]}: {line[1]}: {line[2]}")
        failed = summary.counts["error"]
        if failed > len(failures):
            self.stdout.write(f"… and {failed - len(failures)} more failed rows.")
        if not failed:
            report.unlink()
            return
        raise CommandError(f"{failed} rows failed; every failure is listed in {report}.")


def _report_lines(outcome: RowOutcome) -> list[list[object]]:
    return [[outcome.line, column, problem] for column, problems in outcome.errors.items() for problem in problems]


def _estimate_rows(stream: IO[bytes]) -> int | None:
    """Data rows of a CSV file, counted by line breaks (cells with line breaks make it an
    over-estimate); None for XLSX, whose rows are only known as they are read."""
    position = stream.tell()
    stream.seek(0)
    if stream.read(4) == XLSX_MAGIC:
        stream.seek(position)
        return None
    stream.seek(0)
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    stream.seek(position)
    return max(lines - 1, 0)
