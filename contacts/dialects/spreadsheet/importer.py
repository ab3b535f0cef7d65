"""Importing a spreadsheet through the engine (DESIGN §12): rows in batches of 1,000 (one
engine batch each, channel ``import``), read and answered as a stream, so that a file of any
length runs in bounded memory and the number of queries grows with batches, not rows.

A row names its contact by ``id`` (what exports carry) or else by ``externalId``: a known
contact is updated (PARTIAL, or FULL when asked), an unknown external id is created. Each row
gets an outcome: created, updated (with each field before → after), unchanged, or its
problems by column. A dry run runs every batch and rolls it back.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from contacts.dialects.spreadsheet.columns import IDENTITY, Header, organization_definitions, read_header
from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.ids import parse_id
from contacts.services import BATCH_LIMIT, Actor, Channel, ItemResult, ItemStatus, UpdateMode, apply_updates


@dataclass(frozen=True)
class RowOutcome:
    line: int
    status: str
    contact_id: int | None = None
    #: What changed, ``{canonical field: {"before", "after"}}`` as history records it.
    changes: Mapping[str, Any] = field(default_factory=dict)
    #: Column → the problems found in it.
    errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class ImportSummary:
    """Counts by outcome; the rows themselves are reported as they are read."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, outcome: RowOutcome) -> None:
        self.counts[outcome.status] += 1

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        return ", ".join(f"{count} {status}" for status, count in self.counts.items())


STATUSES = ("created", "updated", "unchanged", "error")


def import_rows(
    *,
    organization: Model,
    rows: Iterable[tuple[int, list[str]]],
    mode: UpdateMode,
    actor: Actor,
    dry_run: bool = False,
    batch_size: int = BATCH_LIMIT,
) -> Iterator[RowOutcome]:
    """Apply a file's rows (``(line, cells)``, the header first) and yield every data row's
    outcome, in order. Raises HeaderRefused (before any change) when the header names a
    column the organization has no field, path or attribute for."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    header = read_header(first[1], organization_definitions(organization))
    batch: list[tuple[int, dict[str, str]]] = []
    for line, cells in rows:
        batch.append((line, _cells(header, cells)))
        if len(batch) == batch_size:
            yield from _import_batch(organization, header, batch, mode=mode, actor=actor, dry_run=dry_run)
            batch = []
    if batch:
        yield from _import_batch(organization, header, batch, mode=mode, actor=actor, dry_run=dry_run)


def _cells(header: Header, cells: list[str]) -> dict[str, str]:
    named = {column: cell.strip() for column, cell in zip(header.columns, cells, strict=False) if column}
    if any(cell.strip() for cell in cells[len(header.columns) :]):
        named[""] = "extra"  # reported as a row problem: a value under no column
    return named


def _import_batch(
    organization: Model,
    header: Header,
    batch: list[tuple[int, dict[str, str]]],
    *,
    mode: UpdateMode,
    actor: Actor,
    dry_run: bool,
) -> Iterator[RowOutcome]:
    """One engine batch for the rows that can be applied; the others answer their problem."""
    known = contact_ids_by_external_id(organization, (cells.get("externalId") for _, cells in batch))
    refused: dict[int, RowOutcome] = {}
    seen: dict[object, int] = {}
    applied = []
    for index, (line, cells) in enumerate(batch):
        contact_id, problem = _contact_for(cells, known)
        key = contact_id if contact_id is not None else cells.get("externalId") or None
        if problem:
            refused[index] = RowOutcome(line, "error", errors={problem[0]: (problem[1],)})
        elif "" in cells:
            refused[index] = RowOutcome(line, "error", errors={"(row)": ("A value stands under no column.",)})
        elif key is not None and key in seen:
            message = f"Line {seen[key]} of this batch names the same contact; it is applied once per batch."
            refused[index] = RowOutcome(
                line, "error", errors={IDENTITY if cells.get(IDENTITY) else "externalId": (message,)}
            )
        else:
            if key is not None:
                seen[key] = line
            applied.append((index, line, header.changeset(cells, mode=mode, contact_id=contact_id)))
    results = (
        apply_updates(
            organization=organization,
            items=[row.changeset for _, _, row in applied],
            mode=mode,
            actor=actor,
            channel=Channel.IMPORT,
            dry_run=dry_run,
        )
        if applied
        else []
    )
    outcomes = {
        index: _outcome(header, line, row, result) for (index, line, row), result in zip(applied, results, strict=True)
    }
    for index in range(len(batch)):
        yield outcomes.get(index) or refused[index]


def _contact_for(cells: Mapping[str, str], known: Mapping[str, int]) -> tuple[int | None, tuple[str, str] | None]:
    """The contact a row names: by ``id`` when the cell has one, else by external id."""
    raw_id = cells.get(IDENTITY, "")
    if raw_id:
        contact_id = parse_id(raw_id)
        if contact_id is None:
            return None, (IDENTITY, "Must be a contact id (a whole number), or empty.")
        return contact_id, None
    return known.get(cells.get("externalId", "")), None


def _outcome(header: Header, line: int, row: Any, result: ItemResult) -> RowOutcome:
    if result.status == ItemStatus.ERROR:
        errors: dict[str, list[str]] = {}
        for problem in result.problems:
            errors.setdefault(header.column_of(problem, row), []).append(problem.message)
        return RowOutcome(line, "error", errors={column: tuple(messages) for column, messages in errors.items()})
    return RowOutcome(line, result.status.value, result.contact_id, dict(result.changes))
