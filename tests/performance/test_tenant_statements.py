"""Every SQL statement a request sends stays inside the request's organization: what sharding
by organization needs (docs/scaling.md) and what keeps tenants apart (DESIGN §2).

Realistic requests go through every dialect (native GET/PUT/PATCH/OPS/POST/DELETE/batch,
history and feed, keyed, external, legacy REST, XML-RPC) while another organization holds
the same kind of data. Each statement the request sends is captured and checked against
the rule, table by table. A table the statement names must be *pinned* to the request's
organization O, by one of:

1. its own ``organization_id`` compared with O (in WHERE or a join's ON), or for an INSERT,
   ``organization_id`` among the columns it writes;
2. for a table below a contact (no ``organization_id``: group, topic and tag links,
   addresses, paths, quiet time frames, attribute values), its ``contact_id``, ``path_id``
   or own ``id`` restricted to literal values that are all rows of O (before or after the
   request), or joined on its ``id`` to a list of rows sent with the statement; for an
   INSERT, ``contact_id`` or ``path_id`` among the columns it writes;
3. in a read, an equality between its ``id`` and a column of a table already pinned (or the
   other way round): a foreign key from O's rows leads to O's rows, because the engine only
   stores references it resolved within O (``tests/engine/test_tenant_scoping.py``). A
   statement that *writes* a table pins it by 1 or 2, never by a join alone.

The organization's own row is pinned by ``id = O``. Transaction control and statements that
name no table (advisory locks) are not checked. The exceptions are listed in EXCEPTIONS with
their reasons; a statement the checker cannot read fails, so that a new kind of statement is
looked at before it is accepted. Whatever the SQL, every row outside O (in every table with
an organization and every table below a contact) must be the same after the request.

Known violations are marked ``xfail(strict=True)``: when one is fixed the mark must go.
"""

import base64
import json
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact
from paths.models import PathKind
from tests import factories
from tests.dialects.keyed.conftest import wsse_header
from tests.dialects.native.helpers import seed_contact
from tests.performance.tenancy import Checker, Rows, Tables, owner_path

#: Statements allowed to leave the rule, each with its reason (a regular expression on the
#: statement as the database received it).
EXCEPTIONS = {
    r'FROM "contacts_apikey" k JOIN "contacts_organization" o .* WHERE k\."(key_hash|username)" = ': (
        "Authentication finds the API key by the hash of its secret (or, WSSE, by its username) before any "
        "organization is known: the key is what names the organization. Keys live in a table every node can "
        "read (docs/scaling.md)."
    ),
    r'^UPDATE "contacts_apikey" SET "last_used_at" = .* WHERE "contacts_apikey"\."id" = \d+$': (
        "Authentication marks the key it has just found as used, by its primary key."
    ),
    r'"contacts_wssenonce"': (
        "WSSE nonces belong to an API key, not to an organization; expired ones are pruned by age across keys. "
        "They move to a shared store when the application is scaled out (docs/scaling.md)."
    ),
}


def seed(org) -> dict:
    """Reference data and two contacts of ``org`` with every nested kind filled."""
    factories.make_record_type(org, "Contractor", is_default=False)
    groups = [factories.make_group(org, f"group{n}") for n in (1, 2, 3)]
    topics = [factories.make_topic(org, f"topic{n}") for n in (1, 2)]
    factories.make_attribute(org, "attr1", data_type=DataType.STRING, display_format=DisplayFormat.MULTIPLE_CHOICE)
    factories.make_path(org, "phone", kind=PathKind.PHONE)
    factories.make_path(org, "email", kind=PathKind.EMAIL)
    factories.make_source(org, "CRM")
    contacts = [
        seed_contact(
            org,
            external_id=f"00{n}",
            first_name=f"First{n}",
            last_name="Lovelace",
            email=f"ada{n}@example.com",
            record_type_name="Employee",
            timezone_id="Europe/London",
            group_names=["group1"],
            topics=[topics[0].pk],
            tags=["vip", "early"],
            addresses=[{"location_name": "Home", "city": "London"}, {"location_name": "Work", "city": "Leeds"}],
            paths=[
                {
                    "prompt": "phone",
                    "value": f"+4420794600{n:02d}",
                    "quiet_time_frames": [{"name": "night", "days": [1, 7], "from_hour": 22, "to_hour": 6}],
                },
                {"prompt": "email", "value": f"ada{n}@example.org"},
            ],
            attributes=[{"name": "attr1", "values": ["option1", "option3"]}],
        )
        for n in (1, 2)
    ]
    return {"contacts": contacts, "groups": groups, "topics": topics}


@dataclass
class Api:
    """``org``'s API as each dialect's clients reach it, in-process."""

    org: object
    key: object
    contacts: list[int]
    groups: list
    topics: list
    uid: str

    def bearer(self) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.key.secret}")
        return client

    def basic(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.key.api_key.username}:{self.key.secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}

    @property
    def native(self) -> str:
        return f"/rest/contacts/{self.org.pk}"

    def xmlrpc(self, method: str, *params):
        body = xmlrpc.client.dumps(params, methodname=method)
        return APIClient().post("/api/2.0/xmlrpc", body, content_type="text/xml", **self.basic())


PATH = {
    "prompt": "phone",
    "value": "+44 20 7946 0999",
    "quietTimeFrames": [{"name": "night", "days": [2], "fromHour": 21, "toHour": 7}],
}


def full_body(api: Api, **extra) -> dict:
    return {
        "firstName": "Augusta",
        "lastName": "King",
        "externalId": "001",
        "recordTypeName": "Contractor",
        "timezoneId": "Europe/London",
        "groupsName": ["group1", "group2"],
        "topics": [api.topics[1].pk],
        "tags": ["vip", "new"],
        "addresses": [{"locationName": "Home", "city": "Paris"}],
        "paths": [PATH, {"prompt": "email", "value": "augusta@example.org"}],
        "contactAttributes": [{"name": "attr1", "values": ["option2"]}],
        **extra,
    }


OPS = [
    {"op": "replace", "path": "/firstName", "value": "Augusta"},
    {"op": "add", "path": "/groupsName/~", "value": "group2"},
    {"op": "replace", "path": "/contactAttributes/name:attr1", "value": {"values": ["option2"]}},
]
PATCH_BODY = {
    "title": "Countess",
    "tags": ["new"],
    "groupsName": ["group3"],
    "paths": [PATH],
    "contactAttributes": [{"name": "attr1", "values": ["option2"]}],
}


def native_patch(api: Api, **headers: str):
    return api.bearer().patch(f"{api.native}/{api.contacts[0]}", PATCH_BODY, format="json", **headers)


def keyed_put(api: Api):
    body = {"key_id": "3", "3": "ada1@example.com", "1": "Augusta", "2": "King"}
    return APIClient().put("/api/v2/contact", body, format="json", HTTP_X_WSSE=wsse_header(api.key))


def native_batch(api: Api):
    items = [{"id": api.contacts[0], **full_body(api)}, full_body(api, externalId="002", firstName="Second")]
    return api.bearer().put(f"{api.native}/batch", items, format="json")


Request = Callable[[Api], object]
REQUESTS: list = [
    pytest.param(lambda api: api.bearer().get(f"{api.native}/{api.contacts[0]}"), id="native-get"),
    pytest.param(lambda api: api.bearer().get(api.native), id="native-list"),
    pytest.param(lambda api: api.bearer().get(f"{api.native}/{api.contacts[0]}/history"), id="native-history"),
    pytest.param(lambda api: api.bearer().get(f"/rest/changes/{api.org.pk}"), id="native-change-feed"),
    pytest.param(
        lambda api: api.bearer().put(f"{api.native}/{api.contacts[0]}", full_body(api), format="json"),
        id="native-put",
    ),
    pytest.param(native_patch, id="native-patch"),
    pytest.param(lambda api: native_patch(api, HTTP_IDEMPOTENCY_KEY="retry-1"), id="native-patch-idempotent"),
    pytest.param(
        lambda api: api.bearer().patch(
            f"{api.native}/{api.contacts[0]}", json.dumps(OPS), content_type="application/json-patch+json"
        ),
        id="native-patch-ops",
    ),
    pytest.param(
        lambda api: api.bearer().patch(f"{api.native}/{api.contacts[0]}?validateOnly=true", PATCH_BODY, format="json"),
        id="native-patch-dry-run",
    ),
    pytest.param(
        lambda api: api.bearer().post(api.native, full_body(api, externalId="new-1"), format="json"),
        id="native-post",
    ),
    pytest.param(native_batch, id="native-batch-put"),
    pytest.param(
        lambda api: api.bearer().patch(
            f"{api.native}/batch", [{"id": api.contacts[1], "operations": OPS}], format="json"
        ),
        id="native-batch-patch-ops",
    ),
    pytest.param(
        lambda api: api.bearer().delete(f"{api.native}/{api.contacts[1]}"),
        id="native-delete",
    ),
    pytest.param(
        lambda api: api.bearer().post(
            f"/rest/groups/{api.org.pk}/contacts", {"groupName": "group3", "contactIds": api.contacts}, format="json"
        ),
        id="native-group-membership",
    ),
    pytest.param(keyed_put, id="keyed-put"),
    pytest.param(lambda api: APIClient().get("/api/v2/field", HTTP_X_WSSE=wsse_header(api.key)), id="keyed-fields"),
    pytest.param(
        lambda api: APIClient().get(f"/external/v1/contacts/{api.uid}", HTTP_X_API_KEY=api.key.secret),
        id="external-get",
    ),
    pytest.param(
        lambda api: APIClient().put(
            f"/external/v1/contacts/{api.uid}",
            {"name": "Augusta King", "tags": ["new"], "custom_fields": {"a": 1}},
            format="json",
            HTTP_X_API_KEY=api.key.secret,
        ),
        id="external-put",
    ),
    pytest.param(lambda api: APIClient().get(f"/api/2.0/contacts/{api.contacts[0]}", **api.basic()), id="legacy-get"),
    pytest.param(
        lambda api: APIClient().put(
            f"/api/2.0/contacts/{api.contacts[0]}",
            {"name": "Augusta", "address": "2 New St", "tags": ["a", "b"]},
            format="json",
            **api.basic(),
        ),
        id="legacy-put",
    ),
    pytest.param(
        lambda api: api.xmlrpc("contacts.UpdateContact", api.contacts[0], {"name": "Augusta", "last name": "King"}),
        id="xmlrpc-update",
    ),
    pytest.param(lambda api: api.xmlrpc("contacts.GetContact", api.contacts[0]), id="xmlrpc-get"),
]


@pytest.fixture
def tables() -> Tables:
    return Tables.of_project()


@pytest.fixture
def api(org, other_org, key) -> Api:
    seed(other_org)
    seeded = seed(org)
    uid = Contact.objects.get(pk=seeded["contacts"][0]).uid
    return Api(org, key, seeded["contacts"], seeded["groups"], seeded["topics"], uid)


def organization_rows(tables: Tables, organization_id: int) -> dict[str, set[int]]:
    """The ids of the organization's rows in every table with an owner."""
    rows = {}
    for table, model in tables.models.items():
        path = owner_path(model)
        if path and model._meta.pk.attname == "id":
            rows[table] = set(model.objects.filter(**{path: organization_id}).values_list("pk", flat=True))
    return rows


def rows_outside(tables: Tables, organization_id: int) -> dict[str, list[dict]]:
    """Every row of every table with an owner that is not the organization's."""
    return {
        table: list(model.objects.exclude(**{owner_path(model): organization_id}).order_by("pk").values())
        for table, model in tables.models.items()
        if owner_path(model)
    }


def excerpt(sql: str) -> str:
    """The statement without its list of selected columns, which says nothing of its scope."""
    start = sql.find(" FROM ") if sql.startswith("SELECT") else -1
    return (sql[:40] + " …" + sql[start:] if start > 40 else sql)[:600]


@pytest.mark.parametrize("send", REQUESTS)
def test_every_statement_of_a_request_stays_in_its_organization(api, tables, send: Request):
    before_rows = organization_rows(tables, api.org.pk)
    outside = rows_outside(tables, api.org.pk)

    with CaptureQueriesContext(connection) as captured:
        response = send(api)

    assert 200 <= response.status_code < 300, response.content
    if response.get("Content-Type", "").startswith("text/xml"):
        assert b"<fault>" not in response.content, response.content
    after_rows = organization_rows(tables, api.org.pk)
    owned = {table: ids | after_rows.get(table, set()) for table, ids in before_rows.items()}
    checker = Checker(tables, Rows(api.org.pk, owned), EXCEPTIONS)
    statements = [checker.check(query["sql"]) for query in captured.captured_queries]
    problems = [f"{problem}\n    in {excerpt(s.sql)}" for s in statements for problem in s.problems]
    assert not problems, "\n".join(problems)
    assert any(s.tables & (tables.tenant | tables.child) for s in statements), "the request read no tenant data"
    assert rows_outside(tables, api.org.pk) == outside


# --- the checker catches what it must ----------------------------------------------------------


@pytest.fixture
def checker(tables) -> Checker:
    rows = {"contacts_contact": {1, 2}, "paths_contactpath": {10, 11}, "contacts_address": {20}}
    return Checker(tables, Rows(7, rows), EXCEPTIONS)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "contacts_contact"."id" FROM "contacts_contact" WHERE "contacts_contact"."organization_id" = 7',
        'SELECT * FROM "contacts_group" WHERE "organization_id" = 7 AND ("name" IN (\'g\'))',
        'SELECT id FROM "contacts_address" WHERE contact_id IN (1, 2) ORDER BY 2',
        'DELETE FROM "paths_quiettimeframe" WHERE "paths_quiettimeframe"."path_id" IN (10, 11)',
        'SELECT "contacts_group"."id" FROM "contacts_group" INNER JOIN "contacts_contact_groups" ON '
        '("contacts_group"."id" = "contacts_contact_groups"."group_id") WHERE "contacts_contact_groups"."contact_id" '
        "IN (1)",
        "UPDATE \"contacts_contact\" SET \"first_name\" = CAST('x' AS text) FROM (SELECT CAST('{}' AS jsonb) AS data) "
        'AS d WHERE "contacts_contact"."id" = ANY(CAST(\'{1,2}\'::int2[] AS bigint[])) AND '
        '"contacts_contact".organization_id = 7',
        'INSERT INTO "contacts_contact_groups" ("contact_id", "group_id") VALUES (1, 3) ON CONFLICT DO NOTHING',
        'SELECT "contacts_organization"."id" FROM "contacts_organization" WHERE "contacts_organization"."id" = 7',
        "SELECT pg_advisory_xact_lock(1128812103, 7)",
        'SELECT c."id", (SELECT json_agg(p.value) FROM "paths_contactpath" p WHERE p.contact_id = c.id), '
        '(SELECT json_agg(json_build_array(p.id, (SELECT json_agg(f.name) FROM "paths_quiettimeframe" f '
        'WHERE f.path_id = p.id))) FROM "paths_contactpath" p WHERE p.contact_id = c.id) '
        'FROM "contacts_contact" c WHERE c.organization_id = 7',
        'WITH locked AS MATERIALIZED (SELECT "id" FROM "contacts_contact" WHERE organization_id = 7 AND id IN (1) '
        'ORDER BY id FOR UPDATE) SELECT locked.*, (SELECT json_agg(a.city) FROM "contacts_address" a '
        "WHERE a.contact_id = locked.id) FROM locked ORDER BY locked.id",
        "WITH done_first AS MATERIALIZED (SELECT pg_advisory_xact_lock(1128812103, 7)) INSERT INTO "
        '"contacts_contactchange" ("organization_id", "changes") SELECT 7, \'{}\' FROM done_first',
        'WITH part0 AS (DELETE FROM "paths_quiettimeframe" WHERE "paths_quiettimeframe"."path_id" IN (10) AND TRUE '
        "RETURNING 1), part1 AS MATERIALIZED (SELECT pg_advisory_xact_lock(1128812103, 7) WHERE "
        '(SELECT count(*) FROM part0) >= 0), part2 AS (INSERT INTO "contacts_contactchange" ("organization_id", '
        '"changes") SELECT "organization_id", "changes" FROM json_to_recordset(\'[]\'::json) AS v("organization_id" '
        'bigint, "changes" jsonb) WHERE (SELECT count(*) FROM part1) >= 0 RETURNING 1) SELECT count(*) FROM part2',
    ],
    ids=[
        "org",
        "org-unqualified",
        "child-keys",
        "frames",
        "joined-by-fk",
        "pg-update",
        "child-insert",
        "tenant",
        "lock",
        "correlated-subqueries",
        "locked-cte",
        "lock-first-cte",
        "write-chain",
    ],
)
def test_the_checker_accepts_statements_kept_to_the_organization(checker, sql):
    assert checker.check(sql).problems == []


@pytest.mark.parametrize(
    "sql",
    [
        'UPDATE "contacts_contact" SET "version" = CASE WHEN ("contacts_contact"."id" = 1) THEN 2 ELSE NULL END '
        'WHERE "contacts_contact"."id" IN (1)',
        'SELECT * FROM "contacts_group" WHERE ("name" IN (\'g\'))',
        'SELECT * FROM "contacts_group" WHERE "organization_id" = 8',
        'SELECT id FROM "contacts_address" WHERE contact_id IN (1, 3)',
        'DELETE FROM "paths_quiettimeframe"',
        'DELETE FROM "contacts_address" WHERE "contacts_address"."id" IN (21)',
        'SELECT "contacts_group"."id" FROM "contacts_group" INNER JOIN "contacts_contact_groups" ON '
        '("contacts_group"."id" = "contacts_contact_groups"."group_id")',
        'INSERT INTO "contacts_tag" ("name") VALUES (\'x\')',
        'UPDATE "contacts_group" SET "name" = \'x\' FROM "contacts_contact_groups" WHERE '
        '"contacts_group"."id" = "contacts_contact_groups"."group_id" AND "contacts_contact_groups"."contact_id" = 1',
        'TRUNCATE "contacts_contact"',
        'SELECT c."id", (SELECT json_agg(a.city) FROM "contacts_address" a) FROM "contacts_contact" c '
        "WHERE c.organization_id = 7",
        'SELECT c."id", (SELECT json_agg(json_build_array(p.id, (SELECT json_agg(f.name) FROM '
        '"paths_quiettimeframe" f))) FROM "paths_contactpath" p WHERE p.contact_id = c.id) '
        'FROM "contacts_contact" c WHERE c.organization_id = 7',
        'WITH locked AS (SELECT "id" FROM "contacts_contact" WHERE id IN (1) FOR UPDATE) SELECT locked.* FROM locked',
        'WITH part0 AS (DELETE FROM "paths_quiettimeframe" WHERE "paths_quiettimeframe"."path_id" IN (10) AND TRUE '
        'RETURNING 1), part1 AS (DELETE FROM "contacts_address" WHERE "contacts_address"."id" IN (21) AND '
        "(SELECT count(*) FROM part0) >= 0 RETURNING 1) SELECT count(*) FROM part1",
    ],
    ids=[
        "tenant-by-id",
        "no-organization",
        "other-organization",
        "other-contact",
        "unrestricted",
        "other-row",
        "join-without-anchor",
        "insert-without-organization",
        "write-through-join",
        "unreadable",
        "uncorrelated-subquery",
        "uncorrelated-nested-subquery",
        "unscoped-cte",
        "write-chain-part",
    ],
)
def test_the_checker_refuses_statements_that_leave_the_organization(checker, sql):
    assert checker.check(sql).problems != []
