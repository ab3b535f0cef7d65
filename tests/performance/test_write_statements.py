"""What a native write costs in SQL statements, pinned exactly (DESIGN §8: a PATCH sends at
most 8 statements, BEGIN and COMMIT included; the cost does not grow with nested data).

The tests run outside a test transaction, so that the engine's transaction is the request's
own, as in production. Django records BEGIN and COMMIT among the captured queries (psycopg
sends BEGIN before the transaction's first statement). A request served on a connection
kept from an earlier one (``CONN_MAX_AGE``) first checks it (``CONN_HEALTH_CHECKS``), which sends nothing on either
database (``contacts/foundations/postgresql``).
"""

from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact, Scope, Topic
from paths.models import PathKind
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

if connection.vendor == "postgresql":
    # A PATCH of one scalar by a caller without ``contacts:read``: the API key with its
    # organization; BEGIN; the contact locked with everything stored below it; its writes in
    # one statement (contacts/foundations/chain.py: the UPDATE, then the history INSERT, which
    # first takes the organization's history lock); COMMIT; the answer (id and version).
    WRITE_ONLY_PATCH = 6
    # A PATCH naming definitions and changing every kind of nested row costs no more: the
    # names, every kind at once, are found by the statement that locks and loads the contact
    # (contacts/services/state.py, ``carrying``); all its writes are still one statement.
    NESTED_PATCH = WRITE_ONLY_PATCH
    # With an Idempotency-Key, within the same transaction: the key's lock, its record
    # looked up, expired records purged, the record stored.
    IDEMPOTENT_PATCH = WRITE_ONLY_PATCH + 4
    #: What a PATCH sends besides what a GET of the contact reads: BEGIN, lock and load, the
    #: writes, COMMIT.
    PATCH_BEYOND_GET = 4
else:
    # The same, but each write on its own (SQLite has no round trips to save: the UPDATE and
    # the history INSERT); its history lock needs no statement, nor does an Idempotency-Key's
    # lock (writers take turns).
    WRITE_ONLY_PATCH = 7
    # The names found while loading, as on PostgreSQL; then one statement per kind of row
    # written (the quiet time frames rewritten in place: one UPDATE where their number does
    # not change).
    NESTED_PATCH = 16
    IDEMPOTENT_PATCH = WRITE_ONLY_PATCH + 3
    PATCH_BEYOND_GET = 5
DESIGN_PATCH_LIMIT = 8


def client_for(org, scopes: list[str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, scopes=scopes).secret}")
    return client


def statements(send) -> tuple[int, object]:
    """The statements a request sends on a connection kept from an earlier request."""
    connection.close()
    connection.ensure_connection()  # new: it does not reach CONN_MAX_AGE during the test
    close_old_connections()  # what the start of a request does: the connection gets checked
    with (
        mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as health_check,
        CaptureQueriesContext(connection) as captured,
    ):
        response = send()
    assert response.status_code == 200, response.content
    assert health_check.call_count == 1
    return len(captured.captured_queries), response


@pytest.fixture
def nested_org(org):
    for i in range(40):
        factories.make_group(org, f"group{i}")
        factories.make_topic(org, f"topic{i}")
    for i in range(20):
        factories.make_path(org, f"path{i}", kind=PathKind.OTHER)
        factories.make_attribute(org, f"attr{i}", data_type=DataType.STRING, display_format=DisplayFormat.FREE_TEXT)
    return org


def nested_body(org, count: int, variant: str) -> dict:
    """A PATCH that sets ``count`` items of every list: links, addresses, paths with a frame
    each, attribute values. Variant "b" adds other groups and changes every other item."""
    first, hour = (0, 6) if variant == "a" else (20, 7)
    topics = list(Topic.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True))
    return {
        "timezoneId": "Europe/Paris",
        "groupsName": [f"group{first + i}" for i in range(count)],
        "topics": topics[first : first + count],
        "tags": [f"tag{i}{variant}" for i in range(count)],
        "addresses": [{"locationName": f"Place {i}", "city": f"City {variant}"} for i in range(count)],
        "paths": [
            {
                "prompt": f"path{i}",
                "value": f"value {i} {variant}",
                "quietTimeFrames": [{"name": "night", "days": [1], "fromHour": 20, "toHour": hour}],
            }
            for i in range(count)
        ],
        "contactAttributes": [{"name": f"attr{i}", "values": [variant]} for i in range(count)],
    }


def create_contact(client, org, count: int) -> str:
    body = {"externalId": f"ext-{count}", "firstName": "F", "lastName": "L", "recordTypeName": "Employee"}
    created = client.post(f"/rest/contacts/{org.pk}", body | nested_body(org, count, "a"), format="json")
    assert created.status_code == 201, created.content
    return f"/rest/contacts/{org.pk}/{created.json()['id']}"


def test_a_patch_of_one_scalar_writes_in_a_fixed_number_of_statements(org):
    client = client_for(org, [Scope.CONTACTS_WRITE])
    url = f"/rest/contacts/{org.pk}/{factories.make_contact(org).pk}"
    client.patch(url, {"firstName": "Warm"}, format="json")  # the key's last use is recorded once a minute

    count, response = statements(lambda: client.patch(url, {"firstName": "Ada"}, format="json"))

    assert response.json()["version"] == 3
    assert count == WRITE_ONLY_PATCH
    assert count <= DESIGN_PATCH_LIMIT


def test_a_patch_with_an_idempotency_key_stores_its_answer_in_a_fixed_number_of_statements(org):
    client = client_for(org, [Scope.CONTACTS_WRITE])
    url = f"/rest/contacts/{org.pk}/{factories.make_contact(org).pk}"
    client.patch(url, {"firstName": "Warm"}, format="json")

    count, _ = statements(lambda: client.patch(url, {"firstName": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"))

    assert count == IDEMPOTENT_PATCH


def test_a_patch_answering_the_contact_costs_its_writes_plus_a_read(org):
    client = client_for(org, [Scope.CONTACTS_READ, Scope.CONTACTS_WRITE])
    url = f"/rest/contacts/{org.pk}/{factories.make_contact(org).pk}"
    client.get(url)

    read, _ = statements(lambda: client.get(url))
    count, response = statements(lambda: client.patch(url, {"firstName": "Ada"}, format="json"))

    assert response.json()["firstName"] == "Ada"
    assert count == read + PATCH_BEYOND_GET


def test_a_patch_of_one_scalar_costs_the_same_whatever_is_stored_below_the_contact(nested_org):
    client = client_for(nested_org, [Scope.CONTACTS_WRITE])
    bare = create_contact(client, nested_org, 0)
    full = create_contact(client, nested_org, 20)

    with_nothing, _ = statements(lambda: client.patch(bare, {"firstName": "Ada"}, format="json"))
    with_twenty, _ = statements(lambda: client.patch(full, {"firstName": "Ada"}, format="json"))

    assert with_twenty == with_nothing == WRITE_ONLY_PATCH


def test_a_patch_of_20_items_of_each_kind_costs_the_same_as_of_1(nested_org):
    client = client_for(nested_org, [Scope.CONTACTS_WRITE])
    one, twenty = create_contact(client, nested_org, 1), create_contact(client, nested_org, 20)
    # Creating the first tags costs statements of its own: both PATCHes below find theirs.
    client.patch(one, {"tags": [f"tag{i}b" for i in range(20)]}, format="json")

    small, large = nested_body(nested_org, 1, "b"), nested_body(nested_org, 20, "b")
    with_one, _ = statements(lambda: client.patch(one, small, format="json"))
    with_twenty, _ = statements(lambda: client.patch(twenty, large, format="json"))

    assert with_twenty == with_one == NESTED_PATCH
    if connection.vendor == "postgresql":
        assert with_one <= DESIGN_PATCH_LIMIT
    stored = Contact.objects.get(pk=twenty.rsplit("/", 1)[1])
    assert stored.paths.count() == 20 and stored.tags.count() == 20 and stored.version == 2
