"""Two requests with one ``Idempotency-Key`` at the same time (DESIGN §10): exactly one is
applied; the other is told the key is in use (409) or, once the first committed, gets its
answer. PostgreSQL only: SQLite runs one writer at a time, so there the second waits."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from contacts.api.idempotency import REPLAYED
from contacts.dialects.native import views as native_views
from contacts.models import ContactChange
from tests import factories
from tests.dialects.native.helpers import seed_contact

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


@pytest.fixture
def setup(org):
    key = factories.make_key(org)
    contact = seed_contact(org, external_id="c", first_name="A", last_name="B", record_type_name="Employee")
    return key.secret, f"/rest/contacts/{org.pk}/{contact}", contact


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def patch(secret: str, url: str, key: str, title: str):
    response = client_for(secret).patch(url, {"title": title}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    connection.close()
    return response


def test_a_retry_while_the_first_request_runs_is_refused_with_409(setup, monkeypatch):
    secret, url, contact = setup
    inside, release = threading.Event(), threading.Event()
    real_apply = native_views.apply_update

    def slow_apply(**kwargs):
        inside.set()
        assert release.wait(30)
        return real_apply(**kwargs)

    monkeypatch.setattr(native_views, "apply_update", slow_apply)
    results = {}
    first = threading.Thread(target=lambda: results.update(first=patch(secret, url, "run-1", "Dr")))
    first.start()
    assert inside.wait(30)
    monkeypatch.setattr(native_views, "apply_update", real_apply)

    retry = patch(secret, url, "run-1", "Dr")
    release.set()
    first.join(30)

    assert retry.status_code == 409 and retry.json()["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert results["first"].status_code == 200
    later = patch(secret, url, "run-1", "Dr")
    assert later.status_code == 200 and later[REPLAYED] == "true" and later.content == results["first"].content
    assert ContactChange.objects.filter(contact_id=contact).count() == 2  # seed + one applied change


def test_two_simultaneous_requests_apply_exactly_once(setup):
    secret, url, contact = setup
    for round_ in range(5):
        barrier, responses = threading.Barrier(2), []

        def send(round_=round_, barrier=barrier, responses=responses):
            barrier.wait()
            responses.append(patch(secret, url, f"sim-{round_}", f"Title {round_}"))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        applied = [r for r in responses if r.status_code == 200 and not r.has_header(REPLAYED)]
        others = [r for r in responses if r not in applied]
        assert len(applied) == 1 and len(others) == 1
        assert others[0].status_code == 409 or others[0][REPLAYED] == "true"
    assert ContactChange.objects.filter(contact_id=contact).count() == 1 + 5
