"""With the database unreachable every dialect answers 503 in its own envelope with
``Retry-After``, never a 500 and never the database's message; any unexpected XML-RPC
error is a generic fault."""

import xmlrpc.client
from base64 import b64encode

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from contacts.dialects.legacy import xmlrpc as xmlrpc_dialect
from tests.dialects.keyed.conftest import wsse_header

SECRET = 'connection failed: FATAL:  database "secret_db" does not exist'
XMLRPC_URL = "/api/2.0/xmlrpc"


def unreachable(execute, sql, params, many, context):
    raise OperationalError(SECRET)


def call(client: APIClient, method: str, *params: object, auth: str) -> tuple[object, object]:
    """An XML-RPC call through the test client; the response and its decoded fault or value."""
    body = xmlrpc.client.dumps(params, methodname=method)
    response = client.post(XMLRPC_URL, body, content_type="text/xml", HTTP_AUTHORIZATION=auth)
    try:
        return response, xmlrpc.client.loads(response.content)[0][0]
    except xmlrpc.client.Fault as fault:
        return response, fault


def basic(username: str, secret: str) -> str:
    return "Basic " + b64encode(f"{username}:{secret}".encode()).decode()


@pytest.fixture
def client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}", HTTP_X_API_KEY=key.secret)
    return client


def test_every_rest_dialect_answers_503_in_its_envelope(org, key, client):
    with connection.execute_wrapper(unreachable):
        answers = {
            "native": client.get(f"/rest/contacts/{org.pk}"),
            "keyed": APIClient().put(
                "/api/v2/contact", {"key_id": "3", "3": "a@example.com"}, format="json", HTTP_X_WSSE=wsse_header(key)
            ),
            "external": client.get("/external/v1/contacts/cnt_000000000000"),
            "legacy": client.get("/api/2.0/contacts/1"),
        }

    for name, response in answers.items():
        assert response.status_code == 503, name
        assert response["Retry-After"].isdigit(), name
        assert "secret_db" not in response.content.decode(), name
    assert answers["native"].json()["code"] == "SERVICE_UNAVAILABLE"
    assert answers["keyed"].json()["replyCode"] == 503
    assert answers["external"].json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert answers["legacy"].json()["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_xmlrpc_answers_a_503_fault_even_to_wrong_credentials(key):
    with connection.execute_wrapper(unreachable):
        response, fault = call(APIClient(), "contacts.GetContact", 1, auth=basic(key.api_key.username, "wrong"))

    assert isinstance(fault, xmlrpc.client.Fault) and fault.faultCode == 503
    assert "secret_db" not in fault.faultString and "secret_db" not in response.content.decode()
    assert response["Retry-After"].isdigit()


def test_the_admin_answers_503_as_text(db):
    client = APIClient()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))

    with connection.execute_wrapper(unreachable):
        response = client.get("/admin/contacts/contact/")

    assert response.status_code == 503 and "secret_db" not in response.content.decode()


def test_an_unexpected_xmlrpc_error_is_a_generic_fault(key, monkeypatch):
    def broken(organization, raw_id):
        raise RuntimeError("internal detail: /srv/app/secret.py line 12")

    monkeypatch.setattr(xmlrpc_dialect, "get_contact", broken)

    _, fault = call(APIClient(), "contacts.GetContact", 1, auth=basic(key.api_key.username, key.secret))

    assert isinstance(fault, xmlrpc.client.Fault)
    assert (fault.faultCode, fault.faultString) == (500, "Internal error.")
