"""Shared fixtures: two organizations, keys for them, and a client that speaks to the API."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """Each test starts with no requests counted against the rate limit (ids repeat)."""
    cache.clear()


@pytest.fixture
def org(db):
    organization = factories.make_org("Acme")
    factories.make_record_type(organization, "Employee")
    return organization


@pytest.fixture
def other_org(db):
    organization = factories.make_org("Globex")
    factories.make_record_type(organization, "Employee")
    return organization


@pytest.fixture
def key(org):
    """A key of ``org`` with every scope."""
    return factories.make_key(org)


@pytest.fixture
def api_client(key) -> APIClient:
    """A client authenticated as ``org``'s all-scopes key (Bearer)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()
