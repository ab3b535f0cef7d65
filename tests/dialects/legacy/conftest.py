"""Fixtures of the legacy dialect tests (seed 004): the live server, a REST client with HTTP
Basic ``username:apikey``, an XML-RPC proxy, and a native reader to check every effect."""

import xmlrpc.client

import pytest

from tests import factories
from tests.dialects.external.helpers import LiveNative
from tests.dialects.legacy.helpers import ENGAGEMENT, RICH, LegacyRest, set_engagement, xmlrpc_url


@pytest.fixture
def server(live_server) -> str:
    return live_server.url


@pytest.fixture
def native(server, org, key) -> LiveNative:
    return LiveNative(server, org, key.secret)


@pytest.fixture
def legacy(server, key) -> LegacyRest:
    return LegacyRest(server, key)


@pytest.fixture
def proxy(server, key) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(xmlrpc_url(server, key))


@pytest.fixture
def rich(native) -> dict:
    """A contact with every writable field set and engagement figures off their defaults
    (native JSON as read after the figures were set)."""
    contact = native.create(**RICH)
    set_engagement(contact["id"], **ENGAGEMENT)
    return native.get(contact["id"])


@pytest.fixture
def other_key(other_org):
    return factories.make_key(other_org)


@pytest.fixture
def other_native(server, other_org, other_key) -> LiveNative:
    return LiveNative(server, other_org, other_key.secret)
