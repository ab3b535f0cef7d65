"""A write phase in one statement (PostgreSQL): the set-based writes of a batch, held and sent
together as data-modifying parts of a single ``WITH`` statement.

A nested update changes several kinds of rows (the contact, its paths, their quiet time
frames, its attribute values, its history row), each with one statement for the whole
batch. For a single update those statements, not the rows, are most of the cost: one round
trip, one parse and one plan each (DESIGN §8: a PATCH sends at most 8 statements). Inside
``one_statement()`` the writes of ``contacts.foundations.sql`` are held, then sent as one
statement when the block ends, or before any other statement runs on the connection (a
read in between sees every write before it, as if nothing had been held).

Order: each part runs after the one before it: its ``WHERE`` holds a condition on the count
of the previous part's rows, which PostgreSQL evaluates once, before the part produces its
first row. Visibility: the parts share one snapshot, so a part must not update or delete a
row that an earlier part of the same statement wrote. The engine's writes never do (a row is
deleted, updated or inserted once per batch); constraints still see the earlier parts'
work (a unique index treats a row the transaction deleted as gone; foreign keys are checked
at commit). SQLite runs each write at once: it has no round trips to save.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection

#: Where a part's ``WHERE`` clause takes the condition that makes it wait for the part before.
AFTER = "/*after*/"


@dataclass(frozen=True, slots=True)
class Part:
    """One statement of a write: ``sql`` holds ``AFTER`` in its ``WHERE`` clause. A part that
    does not modify rows (a ``SELECT`` taking a lock) is evaluated once, in its turn."""

    sql: str
    params: Sequence[object]
    modifies: bool = True


_held: ContextVar[list[Part] | None] = ContextVar("held_writes", default=None)


def execute(parts: Sequence[Part]) -> None:
    """Run the parts in order, as one statement; inside ``one_statement()``, hold them."""
    held = _held.get()
    if held is not None:
        held.extend(parts)
        return
    _send(parts)


@contextmanager
def one_statement() -> Iterator[None]:
    """Hold the writes made inside the block and send them as one statement (PostgreSQL).
    Writes held when an exception leaves the block are dropped: the transaction they belong
    to is rolled back."""
    if connection.vendor != "postgresql" or _held.get() is not None:
        yield
        return
    held: list[Part] = []
    token = _held.set(held)

    def send_held_first(execute_statement, sql, params, many, context):
        _send_held(held)
        return execute_statement(sql, params, many, context)

    try:
        with connection.execute_wrapper(send_held_first):
            yield
            _send_held(held)
    finally:
        _held.reset(token)


@contextmanager
def pipelined() -> Iterator[None]:
    """Statements sent inside the block go out without waiting for their results
    (PostgreSQL: psycopg's pipeline mode), so the database runs one while Python builds
    the next; a statement whose rows are read waits for those before it. The block ends
    once the database has run them all, raising the first error as Django would have.
    Elsewhere nothing changes: each statement runs when it is sent."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def _send_held(held: list[Part]) -> None:
    if held:
        parts = list(held)
        held.clear()
        _send(parts)


def _send(parts: Sequence[Part]) -> None:
    if not parts:
        return
    sql, params = chained(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def chained(parts: Sequence[Part]) -> tuple[str, list[object]]:
    """The parts as one statement: a lone write as itself, several as a chain of CTEs, each
    waiting for the one before."""
    if len(parts) == 1 and parts[0].modifies:
        return parts[0].sql.replace(AFTER, "TRUE"), list(parts[0].params)
    ctes, params = [], []
    for index, part in enumerate(parts):
        after = "TRUE" if index == 0 else f"(SELECT count(*) FROM part{index - 1}) >= 0"
        body = part.sql.replace(AFTER, after)
        # A part that only reads is materialized: evaluated once, in its turn.
        ctes.append(f"part{index} AS " + (f"({body} RETURNING 1)" if part.modifies else f"MATERIALIZED ({body})"))
        params.extend(part.params)
    return f"WITH {', '.join(ctes)} SELECT count(*) FROM part{len(parts) - 1}", params
