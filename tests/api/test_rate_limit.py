"""One limiter for every dialect, per API key (DESIGN §5.1, §9): 429 with Retry-After, in
each dialect's envelope."""

import base64
import xmlrpc.client

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def three_per_minute(settings):
    settings.API_RATE_LIMIT = "3/min"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contact(org):
    return factories.make_contact(org, external_id="001")


def exhaust(send, allowed: int = 3):
    statuses = [send().status_code for _ in range(allowed)]
    assert 429 not in statuses
    return send()


def test_native_answers_429_with_retry_after_in_its_envelope(api_client, org, contact):
    response = exhaust(lambda: api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}"))

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["code"] == "THROTTLED" and response.json()["status"] == 429


def test_the_limit_is_per_key(org, contact):
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org).secret}")
    second.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org).secret}")
    url = f"/rest/contacts/{org.pk}/{contact.pk}"

    assert exhaust(lambda: first.get(url)).status_code == 429
    assert second.get(url).status_code == 200


def test_keyed_answers_429_with_a_reply_code(key, contact):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key.secret)

    response = exhaust(lambda: client.get("/api/v2/field"))

    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["replyCode"] == 429 and response.json()["replyText"]


def test_external_answers_429_in_its_envelope(key, contact):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key.secret)

    response = exhaust(lambda: client.get(f"/external/v1/contacts/{contact.uid}"))

    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["success"] is False and response.json()["error"]["code"] == "RATE_LIMITED"


def test_legacy_rest_answers_429_in_its_envelope(key, contact):
    client = APIClient()
    token = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    response = exhaust(lambda: client.get(f"/api/2.0/contacts/{contact.pk}"))

    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"]["code"] == "THROTTLED"


def test_xmlrpc_answers_a_429_fault(client, key, contact):
    token = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    body = xmlrpc.client.dumps((contact.pk,), "contacts.GetContact")

    def call():
        return client.post("/api/2.0/xmlrpc", body, content_type="text/xml", HTTP_AUTHORIZATION=f"Basic {token}")

    for _ in range(3):
        assert xmlrpc.client.loads(call().content)[0][0]["id"] == contact.pk
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(call().content)
    assert fault.value.faultCode == 429


def test_all_dialects_share_one_count(api_client, key, org, contact):
    keyed = APIClient()
    keyed.credentials(HTTP_X_API_KEY=key.secret)
    api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}")
    keyed.get("/api/v2/field")
    api_client.get(f"/external/v1/contacts/{contact.uid}", HTTP_X_API_KEY=key.secret)

    assert api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}").status_code == 429
