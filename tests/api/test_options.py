"""OPTIONS (DRF's metadata) answers on every route; it once asked views for objects they
look up by other names than ``pk``."""

import pytest

from tests import factories

ROUTES = [
    "/rest/contacts/{org}",
    "/rest/contacts/{org}/{contact}",
    "/rest/contacts/{org}/batch",
    "/rest/contacts/{org}/{contact}/history",
    "/rest/groups/{org}/contacts",
    "/rest/recordTypes/{org}",
    "/rest/recordTypes/{org}/{record_type}",
]


@pytest.mark.parametrize("route", ROUTES)
def test_options_describes_the_route(api_client, org, route):

    contact = factories.make_contact(org)
    record_type = contact.record_type
    url = route.format(org=org.pk, contact=contact.pk, record_type=record_type.pk)

    response = api_client.options(url)

    assert response.status_code == 200
    assert response.json()["name"]
