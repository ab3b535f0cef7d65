"""Fixtures of the external dialect tests (seed 001): the live server, a client speaking the
external dialect with ``X-API-Key``, and a native reader to check every effect."""

import pytest

from contacts.models import Scope
from tests import factories
from tests.dialects.external.helpers import JOHN, ExternalApi, LiveNative


@pytest.fixture
def server(live_server) -> str:
    return live_server.url


@pytest.fixture
def native(server, org, key) -> LiveNative:
    return LiveNative(server, org, key.secret)


@pytest.fixture
def external(server, key) -> ExternalApi:
    return ExternalApi(server, key.secret)


@pytest.fixture
def linkedin(org):
    """The Source seed 001's example contact came from."""
    return factories.make_source(org, "linkedin")


@pytest.fixture
def john(native, linkedin) -> dict:
    """Seed 001's contact (native JSON), created with ``sourceId`` so that ``source`` is
    ``linkedin``."""
    return native.create(**JOHN, sourceId=linkedin.pk)


@pytest.fixture
def other_key(other_org):
    return factories.make_key(other_org)


@pytest.fixture
def other_native(server, other_org, other_key) -> LiveNative:
    return LiveNative(server, other_org, other_key.secret)


@pytest.fixture
def read_key(org):
    return factories.make_key(org, scopes=[Scope.CONTACTS_READ])


@pytest.fixture
def write_key(org):
    return factories.make_key(org, scopes=[Scope.CONTACTS_WRITE])
