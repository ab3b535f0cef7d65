"""Native headers and error answers around writes (DESIGN §5, §5.1, §6, §9): ETag/If-Match,
Missing Contact Id / Missing Organization Id, scopes and tenancy. Every refusal leaves the
contact as it was."""

import json

import pytest
from rest_framework.test import APIClient

from contacts.models import Contact, Scope
from tests import factories
from tests.dialects.native.helpers import NativeApi, assert_error, assert_ok, minimal, seed_contact


def client_for(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    return client


# --- ETag and If-Match -------------------------------------------------------------------------


def test_get_answers_an_etag_that_changes_with_each_write(api, plain):
    first = api.client.get(api.url(plain))["ETag"]

    written = api.patch(plain, {"title": "New"})

    assert first == f'"{plain}-1"'
    assert written["ETag"] == api.client.get(api.url(plain))["ETag"] == f'"{plain}-2"'


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("form", ["strong", "weak", "star"])
def test_a_matching_if_match_is_accepted(api, plain, method, form):
    etag = api.client.get(api.url(plain))["ETag"]
    header = {"strong": etag, "weak": f"W/{etag}", "star": "*"}[form]

    response = getattr(api, method)(plain, minimal(title="Matched"), HTTP_IF_MATCH=header)

    assert_ok(response)
    assert api.get(plain)["title"] == "Matched"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_stale_if_match_is_412_and_changes_nothing(api, plain, method):
    stale = api.client.get(api.url(plain))["ETag"]
    assert_ok(api.patch(plain, {"title": "Meanwhile"}))
    snapshot = api.snapshot(plain)

    response = getattr(api, method)(plain, minimal(title="Lost update"), HTTP_IF_MATCH=stale)

    assert_error(response, 412, "PRECONDITION_FAILED")
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("header", ['"garbage"', "abc", '"1-x"', "OTHER"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_if_match_naming_something_else_is_412(api, org, plain, method, header):
    if header == "OTHER":
        other = seed_contact(org, external_id="002", first_name="O", last_name="T", record_type_name="Employee")
        header = api.client.get(api.url(other))["ETag"]
    snapshot = api.snapshot(plain)

    response = getattr(api, method)(plain, minimal(title="x"), HTTP_IF_MATCH=header)

    assert_error(response, 412, "PRECONDITION_FAILED")
    api.assert_unchanged(snapshot)


# --- missing ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_a_write_without_a_contact_id_is_missing_contact_id(api, plain, method, slash):
    snapshot = api.snapshot(plain)

    response = getattr(api.client, method)(api.url() + slash, minimal(title="x"), format="json")

    body = assert_error(response, 404, "MISSING_CONTACT_ID")
    assert body["message"] == "Missing Contact Id"
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/rest/contacts", "/rest/contacts/"])
@pytest.mark.parametrize("authenticated", [True, False])
def test_a_request_without_an_organization_id_is_401(api, plain, method, path, authenticated):
    client = api.client if authenticated else APIClient()
    snapshot = api.snapshot(plain)

    response = getattr(client, method)(path, minimal(title="x"), format="json")

    body = assert_error(response, 401, "MISSING_ORGANIZATION_ID")
    assert body["message"] == "Missing Organization Id"
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("contact_id", ["999999", "abc", "-1", "0", "99999999999999999999999"])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_to_an_unknown_contact_is_404(api, plain, method, contact_id):
    snapshot = api.snapshot(plain)

    assert_error(getattr(api, method)(contact_id, minimal(title="x")), 404, "NOT_FOUND")

    api.assert_unchanged(snapshot)
    assert Contact.objects.count() == 1


def test_trailing_slash_works_for_writes(api, plain):
    assert_ok(api.client.put(api.url(plain) + "/", minimal(title="Slash"), format="json"))

    assert api.get(plain)["title"] == "Slash"


@pytest.mark.parametrize("method, path", [("post", "CONTACT"), ("put", "HISTORY"), ("post", "BATCH")])
def test_a_method_the_route_does_not_offer_is_405(api, plain, method, path):
    url = {"CONTACT": api.url(plain), "HISTORY": f"{api.url(plain)}/history", "BATCH": api.batch_url}[path]
    snapshot = api.snapshot(plain)

    assert_error(getattr(api.client, method)(url, minimal(title="x"), format="json"), 405, "METHOD_NOT_ALLOWED")

    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_415(api, plain, content_type):
    snapshot = api.snapshot(plain)

    response = api.send_raw("put", api.url(plain), json.dumps(minimal(title="x")), content_type=content_type)

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("method", ["put", "patch", "post"])
def test_a_body_over_5_mib_is_413(api, plain, method):
    snapshot = api.snapshot(plain)
    raw = json.dumps(minimal(customFields={"blob": "x" * (5 * 1024 * 1024)}))
    url = api.url() if method == "post" else api.url(plain)

    assert_error(api.send_raw(method, url, raw), 413, "PAYLOAD_TOO_LARGE")

    api.assert_unchanged(snapshot)
    assert Contact.objects.count() == 1


# --- authentication, scopes, tenancy -------------------------------------------------------------


def write_requests(api: NativeApi, contact_id: int, group_id: int) -> dict:
    """One of each native write, against ``api``'s organization."""
    return {
        "put": lambda client: client.put(api.url(contact_id), minimal(title="x"), format="json"),
        "patch": lambda client: client.patch(api.url(contact_id), {"title": "x"}, format="json"),
        "delete": lambda client: client.delete(api.url(contact_id)),
        "post": lambda client: client.post(api.url(), minimal(externalId="new"), format="json"),
        "upsert": lambda client: client.post(api.url() + "?upsert=true", minimal(title="x"), format="json"),
        "batch": lambda client: client.put(api.batch_url, [{"id": contact_id, **minimal(title="x")}], format="json"),
        "add to group": lambda client: client.post(
            api.membership_url, {"groupId": group_id, "contactIds": [contact_id]}, format="json"
        ),
        "remove from group": lambda client: client.delete(
            api.membership_url, {"groupId": group_id, "contactIds": [contact_id]}, format="json"
        ),
    }


WRITES = ["put", "patch", "delete", "post", "upsert", "batch", "add to group", "remove from group"]


@pytest.mark.parametrize("write", WRITES)
def test_a_key_with_only_read_scope_is_403(api, org, refs, plain, write):
    reader = client_for(factories.make_key(org, scopes=[Scope.CONTACTS_READ]))
    snapshot = api.snapshot(plain)

    response = write_requests(api, plain, refs.groups[0].pk)[write](reader)

    assert_error(response, 403, "FORBIDDEN")
    api.assert_unchanged(snapshot)
    assert Contact.objects.count() == 1
    assert reader.get(api.url(plain)).status_code == 200


@pytest.mark.parametrize("write", WRITES)
def test_another_organizations_key_is_404(api, other_org, refs, plain, write):
    stranger = client_for(factories.make_key(other_org))
    snapshot = api.snapshot(plain)

    response = write_requests(api, plain, refs.groups[0].pk)[write](stranger)

    assert_error(response, 404, "NOT_FOUND")
    api.assert_unchanged(snapshot)
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("write", WRITES)
def test_no_credentials_is_401(api, refs, plain, write):
    snapshot = api.snapshot(plain)

    response = write_requests(api, plain, refs.groups[0].pk)[write](APIClient())

    assert_error(response, 401, "UNAUTHORIZED")
    assert response.has_header("WWW-Authenticate")
    api.assert_unchanged(snapshot)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_another_organizations_contact_through_our_organization_is_404(api, other_org, method):
    factories.make_group(other_org, "group1")
    theirs = seed_contact(other_org, external_id="001", first_name="T", last_name="O", record_type_name="Employee")
    their_api = NativeApi(client_for(factories.make_key(other_org)), other_org)
    snapshot = their_api.snapshot(theirs)

    response = getattr(api.client, method)(api.url(theirs), minimal(title="x"), format="json")

    assert_error(response, 404, "NOT_FOUND")
    their_api.assert_unchanged(snapshot)


def test_a_write_scope_key_without_read_may_still_write(api, org, plain):
    writer = client_for(factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]))

    response = writer.patch(api.url(plain), {"title": "Written"}, format="json")

    assert response.status_code == 200, response.content
    assert api.get(plain)["title"] == "Written"
