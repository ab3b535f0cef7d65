"""The cost of a batch does not grow with its organization (DESIGN §8), shown without a clock:
the batch sends the very same statements whether its organization holds 10 or 2,000 other
contacts, and no statement needs to read a whole table to find its rows (each can be served
by an index). ``manage.py benchmark --scale`` measures the time itself at 1,000, 10,000 and
100,000 contacts.

The plans are PostgreSQL's generic plans (settings.py), made once for every organization from
the statistics' average one. They are checked twice: with this database's statistics (a few
organizations, one of them large) and with those of a database of many small organizations,
where a plan that reads the organization's rows and keeps those it wants looks cheapest, and
reads every row of a large one (``contacts.foundations.sql.owned``)."""

import itertools
import json
import re
from base64 import b64encode
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.models import Model
from psycopg.adapt import PyFormat, Transformer
from rest_framework.test import APIClient

from contacts.auth.keys import IssuedKey
from contacts.benchmark.database import fill_organization
from contacts.benchmark.scenario import ACTOR, Scenario, create_scenario, engine_items, reset_groups, wire_values
from contacts.dialects.spreadsheet import exporter
from contacts.models import Channel, Contact, ContactChange, Group, Tag
from contacts.services import ItemStatus, UpdateMode, apply_updates
from tests import factories
from tests.dialects.keyed.conftest import wsse_header
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


FEW, MANY = "a few organizations", "many small organizations"


@contextmanager
def planning(organizations: str = FEW) -> Iterator[None]:
    """A transaction, rolled back, with fresh statistics, in which PostgreSQL prices
    sequential scans out: a plan that still reads a whole table has no index to use. With
    ``MANY``, the statistics say an organization holds twenty rows of each tenant table that
    grows (contacts, history, tags, groups: a distinct organization per 20 rows), as in a
    database of many small ones."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                if organizations == MANY:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE with checks pending
                    for tenant_table in (model._meta.db_table for model in (Contact, ContactChange, Tag, Group)):
                        cursor.execute(
                            f'ALTER TABLE "{tenant_table}" ALTER COLUMN organization_id SET (n_distinct = -0.05)'
                        )
                        cursor.execute(f'ANALYZE "{tenant_table}"')
        yield
        transaction.set_rollback(True)


@pytest.fixture(params=[FEW, MANY])
def organizations(request) -> str:
    if request.param == MANY and connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement with its values: no plan is shared by organizations")
    return request.param


def wide_statements(sent: list[tuple[str, tuple]], organizations: str) -> dict[str, list[str]]:
    """The statements among ``sent`` whose plan reads a growing table wide, with how."""
    with planning(organizations):
        reads = {sql: wide_reads(sql, params) for sql, params in sent if not re.match(r"(SAVEPOINT|RELEASE)", sql)}
    return {sql: lines for sql, lines in reads.items() if lines}


#: The tables that grow with an organization's contacts: contacts, their history and every
#: table below a contact. Reference data (groups, definitions, tags) is small by nature: the
#: planner may rightly read all of an organization's rows there.
GROWING = Tables.of_project().child | {Contact._meta.db_table, ContactChange._meta.db_table}
COMPARED = re.compile(r"\(*([a-z_][a-z0-9_]*)\)?(?:::[\w ]+)?\s*(?:=|<|>|<=|>=)\s*", re.I)


def narrow(condition: str) -> bool:
    """Whether an index condition names more than the organization: one that does not reads
    every row of the organization."""
    return bool({column.lower() for column in COMPARED.findall(condition)} - {"organization_id"})


PREPARED = itertools.count()


def parameter_type(value: object) -> str:
    """The type psycopg sends ``value`` as (``unknown``: the server infers it)."""
    if value is None:
        return "unknown"
    oid = Transformer(connection.connection).get_dumper(value, PyFormat.AUTO).oid
    if not oid:
        return "unknown"
    info = connection.connection.adapters.types[oid]
    return f"{info.regtype}[]" if oid == info.array_oid else info.regtype


def generic_plan(sql: str, params: tuple, *, analyze: bool = False) -> dict:
    """PostgreSQL's plan for the statement as the server keeps it, made without its values
    (settings.py: generic plans): prepared, then explained as executed (and, with
    ``analyze``, run)."""
    name = f"checked_{next(PREPARED)}"
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%%|%s", lambda mark: "%" if mark[0] == "%%" else f"${next(numbered)}", sql)
    types = ", ".join(map(parameter_type, params))
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE {name}{f'({types})' if params else ''} AS {prepared}")
        cursor.execute(connection.ops.compose_sql(f"EXPLAIN ({options}) EXECUTE {name}{arguments}", params))
        [[document]] = cursor.fetchall()
        cursor.execute(f"DEALLOCATE {name}")
    plan = document if isinstance(document, list) else json.loads(document)
    return plan[0]["Plan"]


def wide_reads(sql: str, params: tuple) -> list[str]:
    """How the statement's plan (not run) reads a growing table in a way that grows with the
    organization: a whole table, a whole index, or all of the organization's rows."""
    if connection.vendor == "postgresql":
        return list(_wide_nodes(generic_plan(sql, params)))
    with connection.cursor() as cursor:
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


def test_every_statement_of_the_batch_can_find_its_rows_through_an_index(scenario, organizations):
    fill_organization(scenario.organization, 2000)
    sent = run_batch(scenario, 1)

    assert wide_statements(sent, organizations) == {}


def test_the_plan_check_sees_reads_of_a_whole_table_or_organization(scenario):
    with planning():
        whole_table = wide_reads('SELECT id FROM "contacts_contact" WHERE first_name = %s', ("Ada",))
        whole_organization = wide_reads('SELECT id FROM "contacts_contact" WHERE organization_id = %s', (1,))

    assert whole_table and whole_organization


@pytest.mark.skipif(connection.vendor != "postgresql", reason="generic plans are PostgreSQL's")
def test_with_many_organizations_finding_contacts_by_id_beside_the_organization_reads_it_whole(scenario):
    """What the checks above would catch: the id list and the organization written as two
    plain conditions, planned for a database of many small organizations."""
    fill_organization(scenario.organization, 2000)
    ids = "{" + ",".join(map(str, scenario.contact_ids[:2])) + "}"
    statement = 'SELECT id FROM "contacts_contact" WHERE organization_id = %s AND id = ANY(CAST(%s AS bigint[]))'

    with planning(FEW):
        few = wide_reads(statement, (scenario.organization.pk, ids))
    with planning(MANY):
        many = wide_reads(statement, (scenario.organization.pk, ids))

    assert few == []
    assert many and "organization_id" in many[0]


@pytest.fixture
def key(scenario) -> IssuedKey:
    return factories.make_key(scenario.organization)


@pytest.fixture
def client(key) -> APIClient:
    """The native dialect's client, which also reads every request's effect back."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    return client


def contact_path(scenario: Scenario, n: int) -> str:
    return f"/rest/contacts/{scenario.organization.pk}/{scenario.contact_ids[n]}"


def patch_one(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    response = client.patch(contact_path(scenario, 0), {"title": "Dr"}, format="json")
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 0)).json()["title"] == "Dr"


def get_one(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    response = client.get(contact_path(scenario, 6))
    assert response.status_code == 200, response.content
    return lambda: response.json()["externalId"] == "bench-6"


def batch_by_external_id(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    body = [{**wire_values(n, 5), "title": "Dr"} for n in (1, 2)]  # each named by its externalId
    response = client.put(f"/rest/contacts/{scenario.organization.pk}/batch", body, format="json")
    assert response.status_code == 200, response.content
    assert [row["status"] for row in response.json()["results"]] == ["updated", "updated"]
    return lambda: all(client.get(contact_path(scenario, n)).json()["title"] == "Dr" for n in (1, 2))


def join_group(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    group = scenario.groups[-1]
    body = {"groupId": group.pk, "contactIds": [scenario.contact_ids[3]], "externalIds": ["bench-4"]}
    response = client.post(f"/rest/groups/{scenario.organization.pk}/contacts", body, format="json")
    assert response.status_code == 200, response.content
    return lambda: all(group.pk in client.get(contact_path(scenario, n)).json()["groups"] for n in (3, 4))


def delete_one(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    response = client.delete(contact_path(scenario, 5))
    assert response.status_code == 204, response.content
    return lambda: client.get(contact_path(scenario, 5)).status_code == 404


def history_of_one(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    response = client.get(f"{contact_path(scenario, 6)}/history")
    assert response.status_code == 200, response.content
    return lambda: [entry["mode"] for entry in response.json()["results"]] == ["create"]


def external_put(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    uid = Contact.objects.values_list("uid", flat=True).get(pk=scenario.contact_ids[7])
    response = APIClient().put(
        f"/external/v1/contacts/{uid}", {"position": "CTO"}, format="json", HTTP_X_API_KEY=key.secret
    )
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 7)).json()["companyPosition"] == "CTO"


def legacy_put(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    credentials = b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    response = APIClient().put(
        f"/api/2.0/contacts/{scenario.contact_ids[8]}",
        {"title": "Dr"},
        format="json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 8)).json()["title"] == "Dr"


def keyed_put(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    body = {"key_id": "id", "id": scenario.contact_ids[9], "1": "Ada"}  # field 1: the first name
    response = APIClient().put("/api/v2/contact", body, format="json", HTTP_X_WSSE=wsse_header(key))
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 9)).json()["firstName"] == "Ada"


def keyed_put_by_email(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    email = client.get(contact_path(scenario, 10)).json()["email"]
    body = {"key_id": "3", "3": email.upper(), "1": "Ada"}  # field 3: the email, matched regardless of case
    response = APIClient().put("/api/v2/contact", body, format="json", HTTP_X_WSSE=wsse_header(key))
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 10)).json()["firstName"] == "Ada"


def list_by_email(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    email = client.get(contact_path(scenario, 12)).json()["email"]
    response = client.get(f"/rest/contacts/{scenario.organization.pk}", {"email": email.upper()})
    assert response.status_code == 200, response.content
    return lambda: [contact["id"] for contact in response.json()["results"]] == [scenario.contact_ids[12]]


def keyed_put_by_external_id(client: APIClient, scenario: Scenario, key: IssuedKey) -> Callable[[], bool]:
    body = {"key_id": "50", "50": "bench-11", "1": "Ada"}  # field 50: the external id
    response = APIClient().put("/api/v2/contact", body, format="json", HTTP_X_WSSE=wsse_header(key))
    assert response.status_code == 200, response.content
    return lambda: client.get(contact_path(scenario, 11)).json()["firstName"] == "Ada"


REQUESTS = [
    patch_one,
    get_one,
    batch_by_external_id,
    join_group,
    delete_one,
    history_of_one,
    external_put,
    legacy_put,
    keyed_put,
    keyed_put_by_email,
    list_by_email,
    keyed_put_by_external_id,
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda request_: request_.__name__)
def test_every_statement_of_a_request_naming_contacts_finds_them_through_an_index(
    scenario, client, key, organizations, request_
):
    fill_organization(scenario.organization, 2000)
    with sent_statements() as sent:
        took_effect = request_(client, scenario, key)

    assert took_effect()
    assert wide_statements(sent, organizations) == {}


def rows_read(sql: str, params: tuple, model: type[Model] = Contact) -> int:
    """How many rows of the model's table the statement reads when run with its generic
    plan: those its scans return and those they pass over (PostgreSQL)."""
    return sum(_rows_read(generic_plan(sql, params, analyze=True), model._meta.db_table))


def _rows_read(node: dict, table: str) -> Iterator[int]:
    if node.get("Relation Name") == table:
        passed_over = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
        yield (node["Actual Rows"] + passed_over) * node["Actual Loops"]
    for child in node.get("Plans", []):
        yield from _rows_read(child, table)


#: A statement that writes rows (run again to count what it reads, it would write them twice).
WRITES = re.compile(r'\b(INSERT INTO|UPDATE "|DELETE FROM)')


def reads_per_statement(sent: list[tuple[str, tuple]]) -> list[int]:
    """Contact rows read by each statement that reads some, counting statements aside (a count
    reads what it counts)."""
    with planning():
        reads = [
            rows_read(sql, params)
            for sql, params in sent
            if sql.startswith("SELECT") and "COUNT(*)" not in sql and Contact._meta.db_table in sql
        ]
    return [read for read in reads if read]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads counted from PostgreSQL's plans")
def test_an_export_reads_each_chunk_once(scenario, client, monkeypatch):
    monkeypatch.setattr(exporter, "CHUNK", 100)
    fill_organization(scenario.organization, 2000)
    with sent_statements() as sent:
        response = client.get(f"/rest/contacts/{scenario.organization.pk}", {"format": "csv"})
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert len(lines) == 1 + scenario.size + 2000
    reads = reads_per_statement(sent)
    assert len(reads) >= 20 and max(reads) <= 250, reads  # each chunk: 100 ids after the last, then their contacts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads counted from PostgreSQL's plans")
@pytest.mark.parametrize(("model", "field"), [(Tag, "tags"), (Group, "groupsName")], ids=["tags", "groups"])
def test_names_are_found_without_reading_every_row_of_their_kind(scenario, client, organizations, model, field):
    """Tags are free labels: an organization may hold many thousands. A write that names two
    reads those, not all of them."""
    model.objects.bulk_create(model(organization=scenario.organization, name=f"label {n}") for n in range(2000))
    with sent_statements() as sent:
        response = client.patch(contact_path(scenario, 0), {field: ["label 7", "label 1999"]}, format="json")

    assert response.status_code == 200, response.content
    assert {"label 7", "label 1999"} <= set(response.json()[field])
    with planning(organizations):
        reads = [rows_read(sql, params, model) for sql, params in sent if not WRITES.search(sql)]
    assert max(reads) <= 10, reads
