"""Limits that keep one request from occupying a worker or slipping past the rate limit."""

import xmlrpc.client

import pytest
from rest_framework.test import APIClient

from contacts.dialects.legacy.xmlrpc import MULTICALL_LIMIT
from contacts.models import Contact
from contacts.services import ChangeSet
from tests.engine.builders import apply
from tests.reliability.test_faults import basic, call


@pytest.fixture
def contact_id(org) -> int:
    values = {"external_id": "1", "first_name": "A", "last_name": "B", "record_type_name": "Employee"}
    [result] = apply(org, [ChangeSet(values=values)])
    return result.contact_id


def test_multicall_is_capped(key, contact_id):
    calls = [{"methodName": "contacts.GetContact", "params": [contact_id]}] * (MULTICALL_LIMIT + 1)

    _, fault = call(APIClient(), "system.multicall", calls, auth=basic(key.api_key.username, key.secret))

    assert isinstance(fault, xmlrpc.client.Fault) and fault.faultCode == 400
    assert str(MULTICALL_LIMIT) in fault.faultString


def test_multicall_may_not_nest(key):
    calls = [{"methodName": "system.multicall", "params": [[]]}]

    _, fault = call(APIClient(), "system.multicall", calls, auth=basic(key.api_key.username, key.secret))

    assert isinstance(fault, xmlrpc.client.Fault) and fault.faultCode == 400


def test_each_call_of_a_multicall_counts_against_the_rate_limit(key, contact_id, settings):
    settings.API_RATE_LIMIT = "2/min"
    calls = [{"methodName": "contacts.GetContact", "params": [contact_id]}] * 3

    response, results = call(APIClient(), "system.multicall", calls, auth=basic(key.api_key.username, key.secret))

    assert [result[0]["name"] for result in results[:2]] == ["A", "A"]
    assert results[2]["faultCode"] == 429 and "seconds" in results[2]["faultString"]
    assert response["Retry-After"].isdigit()


def test_a_throttled_xmlrpc_call_carries_the_retry_time(key, contact_id, settings):
    settings.API_RATE_LIMIT = "1/min"
    auth = basic(key.api_key.username, key.secret)
    call(APIClient(), "contacts.GetContact", contact_id, auth=auth)

    response, fault = call(APIClient(), "contacts.GetContact", contact_id, auth=auth)

    assert fault.faultCode == 429
    assert 1 <= int(response["Retry-After"]) <= 61


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("/rest/contacts/{org}/{contact}", "patch"),
        ("/api/v2/contact", "put"),
        ("/external/v1/contacts/{uid}", "put"),
        ("/api/2.0/contacts/{contact}", "put"),
    ],
)
def test_a_chunked_body_without_a_length_is_refused_not_misread(org, key, contact_id, url, method):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}", HTTP_X_API_KEY=key.secret)
    uid = Contact.objects.get(pk=contact_id).uid
    path = url.format(org=org.pk, contact=contact_id, uid=uid)
    environ = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    request = client.generic(method.upper(), path, b"", content_type="application/json", **environ)

    assert request.status_code == 411
    assert Contact.objects.get(pk=contact_id).version == 1
