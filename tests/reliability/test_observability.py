"""Probes, one structured log line per request, and per-dialect metrics."""

import json
import logging

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from tests.reliability.test_faults import basic, call, unreachable


def test_healthz_answers_without_the_database(db):
    with connection.execute_wrapper(unreachable):
        response = APIClient().get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_says_ready_when_the_database_answers_and_nothing_is_pending(db):
    response = APIClient().get("/readyz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer(db):
    with connection.execute_wrapper(unreachable):
        response = APIClient().get("/readyz")

    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_readyz_names_pending_migrations(db, monkeypatch):
    def pending(self, targets, clean_start=False):
        migration = type("Migration", (), {"app_label": "contacts", "name": "0002_new"})()
        return [(migration, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", pending)

    response = APIClient().get("/readyz")

    assert response.status_code == 503 and response.json()["pendingMigrations"] == ["contacts.0002_new"]


def test_one_log_line_per_request_names_who_what_and_how_long(org, api_client, caplog):
    with caplog.at_level(logging.INFO, logger="contacts.requests"):
        response = api_client.get(f"/rest/contacts/{org.pk}", HTTP_X_REQUEST_ID="probe-42")

    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "contacts.requests"]
    assert len(lines) == 1
    [line] = lines
    assert response["X-Request-ID"] == "probe-42"
    assert line["request_id"] == "probe-42" and line["dialect"] == "native" and line["status"] == 200
    assert line["organization"] == org.pk and line["key"]
    assert line["queries"] >= 1 and line["duration_ms"] > 0


def test_an_unusable_request_id_is_replaced(db, caplog):
    with caplog.at_level(logging.INFO, logger="contacts.requests"):
        response = APIClient().get("/healthz", HTTP_X_REQUEST_ID="bad id\n{}")

    assert response["X-Request-ID"] != "bad id\n{}" and len(response["X-Request-ID"]) == 32


def test_metrics_count_requests_errors_and_latency_by_dialect(org, key, api_client):
    api_client.get(f"/rest/contacts/{org.pk}")
    APIClient().get("/api/v2/field", HTTP_X_API_KEY=key.secret)
    with connection.execute_wrapper(unreachable):
        api_client.get("/external/v1/contacts/cnt_000000000000")

    page = APIClient().get("/metrics").content.decode()

    assert 'contacts_http_requests_total{dialect="native",method="GET",status="200"}' in page
    assert 'contacts_http_requests_total{dialect="keyed",method="GET",status="200"}' in page
    assert 'contacts_http_request_errors_total{dialect="external",status="503"}' in page
    assert 'contacts_http_request_duration_seconds_count{dialect="native"}' in page


def test_metrics_are_served_only_to_allowed_addresses(db, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]

    assert APIClient().get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 403
    assert APIClient().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_an_xmlrpc_call_is_logged_with_its_key(key, caplog):
    with caplog.at_level(logging.INFO, logger="contacts.requests"):
        call(APIClient(), "contacts.GetContact", 1, auth=basic(key.api_key.username, key.secret))

    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "contacts.requests"]
    assert line["dialect"] == "legacy" and line["key"] == key.api_key.username
