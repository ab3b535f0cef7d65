"""The cost of a batch does not grow with its organization (DESIGN §8), shown without a clock:
the batch sends the very same statements whether its organization holds 10 or 2,000 other
contacts, and no statement needs to read a whole table to find its rows (each can be served
by an index). ``manage.py benchmark --scale`` measures the time itself at 1,000, 10,000 and
100,000 contacts."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from contacts.benchmark.database import fill_organization
from contacts.benchmark.scenario import ACTOR, Scenario, create_scenario, engine_items, reset_groups
from contacts.models import Channel, Contact, ContactChange
from contacts.services import ItemStatus, UpdateMode, apply_updates
from tests.performance.tenancy import Tables

BATCH = 20


@contextmanager
def sent_statements() -> Iterator[list[tuple[str, tuple]]]:
    """The statements sent on the connection, as SQL with placeholders and their parameters."""
    sent: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        sent.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def run_batch(scenario: Scenario, variant: int) -> list[tuple[str, tuple]]:
    with sent_statements() as sent:
        results = apply_updates(
            organization=scenario.organization,
            items=engine_items(scenario, variant),
            mode=UpdateMode.FULL,
            actor=ACTOR,
            channel=Channel.IMPORT,
        )
    assert {result.status for result in results} == {ItemStatus.UPDATED}
    return sent


def shape(sql: str) -> str:
    """The statement without its savepoint's generated name."""
    return re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)


@pytest.fixture
def scenario(db) -> Scenario:
    return create_scenario(BATCH)


def test_the_batch_sends_the_same_statements_whatever_the_size_of_its_organization(scenario):
    fill_organization(scenario.organization, 10)
    small = run_batch(scenario, 1)
    reset_groups(scenario)
    fill_organization(scenario.organization, 2000)

    large = run_batch(scenario, 2)

    assert [shape(sql) for sql, _ in large] == [shape(sql) for sql, _ in small]
    assert len(large) == len(small) > 0


@contextmanager
def planning() -> Iterator[None]:
    """A transaction, rolled back, with fresh statistics, in which PostgreSQL prices
    sequential scans out: a plan that still reads a whole table has no index to use."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        transaction.set_rollback(True)


#: The tables that grow with an organization's contacts: contacts, their history and every
#: table below a contact. Reference data (groups, definitions, tags) is small by nature: the
#: planner may rightly read all of an organization's rows there.
GROWING = Tables.of_project().child | {Contact._meta.db_table, ContactChange._meta.db_table}
COMPARED = re.compile(r"\(*([a-z_][a-z0-9_]*)\)?(?:::[\w ]+)?\s*(?:=|<|>|<=|>=)\s*", re.I)


def narrow(condition: str) -> bool:
    """Whether an index condition names more than the organization: one that does not reads
    every row of the organization."""
    return bool({column.lower() for column in COMPARED.findall(condition)} - {"organization_id"})


def wide_reads(sql: str, params: tuple) -> list[str]:
    """How the statement's plan (not run) reads a growing table in a way that grows with the
    organization: a whole table, a whole index, or all of the organization's rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            [[document]] = cursor.fetchall()
            plan = document if isinstance(document, list) else json.loads(document)
            return list(_wide_nodes(plan[0]["Plan"]))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [detail for *_, detail in cursor.fetchall() if _wide_sqlite_step(detail)]


def _wide_nodes(node: dict) -> Iterator[str]:
    table = node.get("Relation Name")
    if table in GROWING:
        kind = node["Node Type"]
        conditions = [node.get("Index Cond", "")] if kind in ("Index Scan", "Index Only Scan") else []
        if kind == "Bitmap Heap Scan":
            conditions = [child.get("Index Cond", "") for child in _descendants(node) if "Index Cond" in child]
        if kind == "Seq Scan" or (kind.endswith("Scan") and not all(map(narrow, conditions or [""]))):
            yield f"{kind} on {table} {conditions}"
    for child in node.get("Plans", []):
        yield from _wide_nodes(child)


def _descendants(node: dict) -> Iterator[dict]:
    for child in node.get("Plans", []):
        yield child
        yield from _descendants(child)


def _wide_sqlite_step(detail: str) -> bool:
    step = re.match(r"(SCAN|SEARCH) (\w+)(.*)", detail)
    if not step or step.group(2) not in GROWING:
        return False
    return step.group(1) == "SCAN" or not narrow(step.group(3).replace("?", "0"))


def test_every_statement_of_the_batch_can_find_its_rows_through_an_index(scenario):
    fill_organization(scenario.organization, 2000)
    sent = run_batch(scenario, 1)
    with planning():
        reads = {sql: wide_reads(sql, params) for sql, params in sent if not re.match(r"(SAVEPOINT|RELEASE)", sql)}
        transaction.set_rollback(True)

    assert {sql: lines for sql, lines in reads.items() if lines} == {}


def test_the_plan_check_sees_reads_of_a_whole_table_or_organization(scenario):
    with planning():
        whole_table = wide_reads('SELECT id FROM "contacts_contact" WHERE first_name = %s', ("Ada",))
        whole_organization = wide_reads('SELECT id FROM "contacts_contact" WHERE organization_id = %s', (1,))

    assert whole_table and whole_organization
