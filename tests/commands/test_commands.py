"""Management commands (DESIGN §7): what they print is what an operator copies, so the tests
use exactly that output against the API."""

import base64
import io
import json
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from attributes.models import AttributeDefinition
from contacts.benchmark.machine import REPEATS
from contacts.benchmark.verdicts import TARGETS
from contacts.models import ApiKey, Contact, Group, Membership, Organization, RecordType
from paths.models import PathDefinition
from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # ``demo`` creates a superuser with a password; the default hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def basic(username: str, secret: str) -> APIClient:
    client = APIClient()
    token = base64.b64encode(f"{username}:{secret}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def parse_key_output(output: str) -> tuple[str, str]:
    username = re.search(r"^username: (\S+)$", output, re.MULTILINE)
    secret = re.search(r"^key: (\S+)$", output, re.MULTILINE)
    assert username and secret, output
    return username.group(1), secret.group(1)


# --- create_organization ----------------------------------------------------------------------


def test_create_organization_prints_its_id(db):
    output = run("create_organization", "Initech")

    organization = Organization.objects.get(name="Initech")
    assert output.strip() == str(organization.pk)


# --- create_api_key -----------------------------------------------------------------------------


def test_create_api_key_prints_a_working_key(org):
    group = factories.make_group(org, "group1")

    output = run("create_api_key", "--org", str(org.pk), "--scopes", "settings:read,contacts:read", "--username", "ops")

    username, secret = parse_key_output(output)
    assert username == "ops"
    stored = ApiKey.objects.get(username="ops")
    assert stored.organization_id == org.pk
    assert stored.scopes == ["contacts:read", "settings:read"]
    assert secret not in stored.key_hash + stored.key_encrypted
    for client in (bearer(secret), basic(username, secret)):
        response = client.get(f"/rest/groups/{org.pk}")
        assert response.status_code == 200, response.content
        assert [item["id"] for item in response.json()["results"]] == [group.pk]


def test_create_api_key_defaults_to_contact_scopes_and_a_generated_username(org):
    output = run("create_api_key", "--org", str(org.pk))

    username, secret = parse_key_output(output)
    stored = ApiKey.objects.get(username=username)
    assert stored.scopes == ["contacts:read", "contacts:write"]
    # No settings scope: reference data writes are refused.
    response = bearer(secret).post(f"/rest/groups/{org.pk}", {"name": "g"}, format="json")
    assert response.status_code == 403
    assert not Group.objects.filter(organization=org).exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--scopes", "contacts:read,contacts:destroy"],
        ["--scopes", "admin"],
    ],
)
def test_create_api_key_rejects_unknown_scopes(org, arguments):
    with pytest.raises(CommandError, match="unknown scope"):
        run("create_api_key", "--org", str(org.pk), *arguments)

    assert not ApiKey.objects.exists()


def test_create_api_key_rejects_unknown_org_and_taken_username(org):
    factories.make_key(org, username="taken")

    with pytest.raises(CommandError):
        run("create_api_key", "--org", "999999")
    with pytest.raises(CommandError):
        run("create_api_key", "--org", str(org.pk), "--username", "taken")

    assert ApiKey.objects.count() == 1


# --- demo ---------------------------------------------------------------------------------------

CURL = re.compile(r'curl -H "Authorization: Bearer (?P<key>\S+)" \S*/rest/contacts/(?P<org>\d+)')


def demo_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "record_types": RecordType.objects.count(),
        "groups": Group.objects.count(),
        "attributes": AttributeDefinition.objects.count(),
        "paths": PathDefinition.objects.count(),
        "contacts": Contact.objects.count(),
        "keys": ApiKey.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
    }


def test_demo_is_idempotent(db):
    first_output = run("demo")
    first = demo_counts()
    second_output = run("demo")

    assert demo_counts() == first
    assert first["organizations"] == 1
    assert first["contacts"] >= 3
    assert first["keys"] == 1
    organization = Organization.objects.get()
    assert RecordType.objects.get(organization=organization, is_default=True).name == "Employee"
    assert sorted(Group.objects.filter(organization=organization).values_list("name", flat=True)) == [
        "group1",
        "group2",
        "group3",
    ]
    attribute = AttributeDefinition.objects.get(organization=organization, name="attr1")
    assert attribute.defined_values == ["option1", "option2", "option3"]
    assert PathDefinition.objects.filter(organization=organization, prompt="phone").exists()
    assert get_user_model().objects.get().is_superuser
    # Both runs print the same working key.
    assert CURL.search(first_output).group("key") == CURL.search(second_output).group("key")


def test_demo_key_is_printed_and_authenticates(db):
    output = run("demo")

    match = CURL.search(output)
    assert match, output
    organization = Organization.objects.get()
    assert int(match.group("org")) == organization.pk
    response = bearer(match.group("key")).get(f"/rest/groups/{organization.pk}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_demo_curl_line_lists_the_demo_contacts(db):
    output = run("demo")

    match = CURL.search(output)
    response = bearer(match.group("key")).get(f"/rest/contacts/{match.group('org')}")

    assert response.status_code == 200, response.content
    assert response.json()["count"] == Contact.objects.count()
    assert {item["firstName"] for item in response.json()["results"]} >= {"Ada", "Grace"}


# --- benchmark ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the benchmark vacuums its tables, outside any transaction
def test_benchmark_prints_a_verdict_for_every_target_and_leaves_nothing_behind(caplog):
    # As after a long run: the command's connection is past its age (CONN_MAX_AGE).
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    output = run(
        "benchmark",
        *("--size", "20", "--rounds", "2", "--singles", "4", "--serializer-sample", "4", "--skip-http"),
        *("--scale", "--scale-sizes", "20,50", "--scale-rounds", "2", "--json"),
    )

    report = json.loads(output)
    verdicts = {verdict["key"]: verdict for verdict in report["verdicts"]}
    assert set(verdicts) == {target.key for target in TARGETS}
    assert {verdict["status"] for verdict in verdicts.values()} <= {"PASS", "FAIL", "SKIP"}
    assert verdicts["http.patch.p50_ms"]["status"] == "SKIP" and "--skip-http" in verdicts["http.patch.p50_ms"]["note"]
    measured = ("batch.serializers_vs_engine", "single.p50_ms", "statements.patch.count", "scale.ratio_max_min")
    assert all(verdicts[key]["status"] in {"PASS", "FAIL"} for key in measured)
    assert report["statements"]["patch"]["count"] > 0 and report["statements"]["get"]["count"] > 0
    # Counted on a kept connection, as a server's: checked once per request, sending nothing.
    for method in ("patch", "get"):
        counted = report["statements"][method]
        assert counted["health_checks"] == 1 and counted["count"] == len(counted["statements"])
    assert report["batch"]["engine"]["seconds"]["median"] > 0
    # The machine's pace, taken before and after the measurements, each over every repeat.
    paces = report["setup"]["pace"]
    assert all(
        len(paces[when][measure]["values"]) == REPEATS and paces[when][measure]["min"] > 0
        for when in ("start", "end")
        for measure in ("python_seconds", "round_trip_ms")
    )
    assert len(report["batch"]["engine"]["seconds"]["values"]) == 2
    sql_measured = connection.vendor == "postgresql"
    assert (verdicts["batch.engine_vs_sql"]["status"] != "SKIP") == sql_measured
    assert set(report["scale"]["sizes"]) == {"20", "50"}
    assert not Organization.objects.exists()
    assert not Contact.objects.exists()
    # The in-process requests that count statements log nothing among the progress messages.
    assert not [record for record in caplog.records if record.name == "contacts.requests"]


def test_benchmark_refuses_scale_sizes_smaller_than_the_batch(db):
    with pytest.raises(CommandError, match="scale-sizes"):
        run("benchmark", "--size", "50", "--scale", "--scale-sizes", "20,100")
