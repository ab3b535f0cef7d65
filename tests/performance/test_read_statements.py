"""What reading a contact costs in SQL statements (DESIGN §8: a GET sends at most 4): the
authentication and the organization, then one statement for the contact, however many
nested rows it has; one for a page of contacts; one for the contact a write answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from contacts.dialects.native import views as native_views
from contacts.models import Contact, RecordType
from tests import factories
from tests.api.test_contact_read import build_nested

#: Statements that authenticate the key and resolve the organization, measured on a request
#: that stops there (a contact id that cannot exist): whatever they cost, reads add to it.
NOT_AN_ID = "none"


def statements(send) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return len(captured.captured_queries), response


@pytest.fixture
def client(api_client, org) -> APIClient:
    api_client.get(f"/rest/groups/{org.pk}")  # the key's last-used time is written once
    return api_client


@pytest.fixture
def auth_statements(client, org) -> int:
    count, response = statements(lambda: client.get(f"/rest/contacts/{org.pk}/{NOT_AN_ID}"))
    assert response.status_code == 404
    assert count <= 2  # the API key and the organization (one statement, or one each)
    return count


def nested_contact(org, count: int, prefix: str) -> Contact:
    contact = factories.make_contact(org, timezone_id="Europe/Berlin")
    build_nested(contact, count, prefix)
    return contact


def test_a_contact_costs_one_statement_however_nested(client, org, auth_statements):
    small, large = nested_contact(org, 1, "small"), nested_contact(org, 10, "large")

    small_count, small_response = statements(lambda: client.get(f"/rest/contacts/{org.pk}/{small.pk}"))
    large_count, large_response = statements(lambda: client.get(f"/rest/contacts/{org.pk}/{large.pk}"))

    assert small_response.status_code == large_response.status_code == 200
    assert len(large_response.json()["paths"]) == 10
    assert all(len(path["quietTimeFrames"]) == 10 for path in large_response.json()["paths"])
    assert small_count == large_count == auth_statements + 1


def test_an_unknown_contact_costs_one_statement(client, org, other_org, auth_statements):
    stranger = factories.make_contact(other_org)

    count, response = statements(lambda: client.get(f"/rest/contacts/{org.pk}/{stranger.pk}"))

    assert response.status_code == 404
    assert count == auth_statements + 1


def test_a_page_of_50_costs_what_a_page_of_1_costs(client, org, auth_statements):
    first = nested_contact(org, 2, "c0")
    one, _ = statements(lambda: client.get(f"/rest/contacts/{org.pk}", {"pageSize": 50}))
    for index in range(1, 60):
        nested_contact(org, 2, f"c{index}")

    fifty, response = statements(lambda: client.get(f"/rest/contacts/{org.pk}", {"pageSize": 50}))

    body = response.json()
    assert body["count"] == 60
    assert [item["id"] for item in body["results"]][:1] == [first.pk]
    assert len(body["results"]) == 50
    assert all(len(item["paths"]) == 2 for item in body["results"])
    # The count, then the page.
    assert one == fifty == auth_statements + 2


def test_a_filtered_page_costs_the_same(client, org, auth_statements):
    contacts = [nested_contact(org, 2, f"c{index}") for index in range(3)]
    group = contacts[1].groups.first()

    count, response = statements(lambda: client.get(f"/rest/contacts/{org.pk}", {"groupId": group.pk}))

    assert [item["id"] for item in response.json()["results"]] == [contacts[1].pk]
    assert count == auth_statements + 2


def write_statements(client, org, contact: Contact, query: str = "") -> int:
    url = f"/rest/contacts/{org.pk}/{contact.pk}{query}"
    count, response = statements(lambda: client.patch(url, {"firstName": f"New {contact.pk}"}, format="json"))
    assert response.status_code == 200, response.content
    return count


@pytest.fixture
def answer_reads(monkeypatch) -> list[int]:
    """The statements each read of a write's answer sends."""
    reads = []
    original = native_views.read_contact

    def read_contact(organization, contact_id):
        with CaptureQueriesContext(connection) as captured:
            found = original(organization, contact_id)
        reads.append(len(captured.captured_queries))
        return found

    monkeypatch.setattr(native_views, "read_contact", read_contact)
    return reads


@pytest.mark.parametrize("query", ["", "?validateOnly=true"], ids=["applied", "dry-run"])
def test_a_write_answers_the_contact_in_one_statement(client, org, query, answer_reads):
    small, large = nested_contact(org, 1, "small"), nested_contact(org, 10, "large")
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, ['contacts:write']).secret}")
    writer.get(f"/rest/contacts/{org.pk}/{NOT_AN_ID}")  # its last-used time, written once
    plain = nested_contact(org, 1, "plain")

    whole_small = write_statements(client, org, small, query)
    whole_large = write_statements(client, org, large, query)
    # A key that may not read contacts is answered the id and version: one statement too.
    identity_only = write_statements(writer, org, plain, query)

    assert answer_reads == [1, 1]
    assert whole_small == whole_large == identity_only


def test_a_csv_export_reads_a_thousand_contacts_per_statement(client, org, auth_statements):
    url = f"/rest/contacts/{org.pk}?format=csv"
    nested_contact(org, 2, "c0")

    def export() -> tuple[int, list[str]]:
        count, response = statements(lambda: b"".join(client.get(url).streaming_content))
        return count, response.decode().splitlines()

    one, lines = export()
    record_type = RecordType.objects.get(organization=org)
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(organization=org, record_type=record_type, created_at=now, updated_at=now, external_id=f"E{i}")
        for i in range(2499)
    )
    many, many_lines = export()

    assert len(lines) == 2
    assert len(many_lines) == 2501
    # The path prompts and the attribute names, then one statement per 1,000 contacts.
    assert one == auth_statements + 2 + 1
    assert many == auth_statements + 2 + 3
