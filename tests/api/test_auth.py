"""Authentication, scopes and tenancy of the native API (DESIGN §6, §9 check order)."""

import base64
import hashlib

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from contacts.auth.keys import decrypt_key
from contacts.models import ApiKey, Membership, Scope
from tests import factories

REFERENCE_KINDS = ["recordTypes", "groups", "topics", "sources", "contactAttributes", "contactPaths"]


def client_with(**headers) -> APIClient:
    client = APIClient()
    client.credentials(**headers)
    return client


def bearer(secret: str) -> APIClient:
    return client_with(HTTP_AUTHORIZATION=f"Bearer {secret}")


def basic(username: str, secret: str) -> APIClient:
    token = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return client_with(HTTP_AUTHORIZATION=f"Basic {token}")


def assert_envelope(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)


@pytest.fixture
def contact(org):
    return factories.make_contact(org, external_id="A-1", first_name="Ada")


def contacts_url(org) -> str:
    return f"/rest/contacts/{org.pk}"


# --- authentication ----------------------------------------------------------------------------


def test_no_credentials_is_401_with_challenge(org, anon_client):
    response = anon_client.get(contacts_url(org))

    assert_envelope(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "Bearer ck_not-a-real-key"},
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Basic !!!not-base64"},
        {"HTTP_X_API_KEY": "ck_not-a-real-key"},
    ],
    ids=["bearer", "bearer-empty", "basic-garbage", "x-api-key"],
)
def test_wrong_key_is_401(org, contact, headers):
    response = client_with(**headers).get(contacts_url(org))

    assert_envelope(response, 401, "UNAUTHORIZED")


def test_basic_with_wrong_username_is_401(org, key):
    response = basic("someone-else", key.secret).get(contacts_url(org))

    assert_envelope(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("scheme", ["bearer", "basic", "x-api-key"])
def test_each_key_scheme_reads_contacts(org, key, contact, scheme):
    client = {
        "bearer": lambda: bearer(key.secret),
        "basic": lambda: basic(key.api_key.username, key.secret),
        "x-api-key": lambda: client_with(HTTP_X_API_KEY=key.secret),
    }[scheme]()

    response = client.get(contacts_url(org))

    assert response.status_code == 200, response.content
    assert [item["externalId"] for item in response.json()["results"]] == ["A-1"]


def test_use_of_a_key_is_recorded(org, key):
    assert ApiKey.objects.get(pk=key.api_key.pk).last_used_at is None

    bearer(key.secret).get(contacts_url(org))

    assert ApiKey.objects.get(pk=key.api_key.pk).last_used_at is not None


def test_inactive_key_is_401(org, key, contact):
    ApiKey.objects.filter(pk=key.api_key.pk).update(is_active=False)

    response = bearer(key.secret).get(contacts_url(org))

    assert_envelope(response, 401, "UNAUTHORIZED")


def test_key_stored_hashed_and_encrypted_never_plain(org, key):
    stored = ApiKey.objects.get(pk=key.api_key.pk)

    assert stored.key_hash == hashlib.sha256(key.secret.encode()).hexdigest()
    assert stored.key_encrypted != key.secret
    assert key.secret not in stored.key_encrypted
    stored_text = [str(value) for value in ApiKey.objects.filter(pk=stored.pk).values().get().values()]
    assert not any(key.secret in value for value in stored_text)
    # The encrypted copy is still the secret (needed for WSSE digests).
    assert decrypt_key(stored) == key.secret


# --- scopes ---------------------------------------------------------------------------------


def test_key_lacking_scope_is_403(org, contact):
    settings_only = factories.make_key(org, scopes=[Scope.SETTINGS_READ])

    response = bearer(settings_only.secret).get(contacts_url(org))

    assert_envelope(response, 403, "FORBIDDEN")


def test_key_lacking_scope_cannot_read_contact_detail(org, contact):
    settings_only = factories.make_key(org, scopes=[Scope.SETTINGS_READ])

    response = bearer(settings_only.secret).get(f"{contacts_url(org)}/{contact.pk}")

    assert_envelope(response, 403, "FORBIDDEN")
    assert "Ada" not in response.content.decode()


def test_read_scope_is_enough_to_read(org, contact):
    reader = factories.make_key(org, scopes=[Scope.CONTACTS_READ])

    response = bearer(reader.secret).get(f"{contacts_url(org)}/{contact.pk}")

    assert response.status_code == 200
    assert response.json()["firstName"] == "Ada"


# --- tenancy ----------------------------------------------------------------------------------


@pytest.fixture
def other_client(other_org) -> APIClient:
    return bearer(factories.make_key(other_org).secret)


def test_other_orgs_key_gets_404_on_contacts_list(org, contact, other_client):
    response = other_client.get(contacts_url(org))

    assert_envelope(response, 404, "NOT_FOUND")
    assert "A-1" not in response.content.decode()


def test_other_orgs_key_gets_404_on_contact_detail(org, contact, other_client):
    response = other_client.get(f"{contacts_url(org)}/{contact.pk}")

    assert_envelope(response, 404, "NOT_FOUND")
    assert "Ada" not in response.content.decode()


def test_own_org_url_cannot_reach_another_orgs_contact(org, other_org, api_client):
    foreign = factories.make_contact(other_org, first_name="Foreign")

    response = api_client.get(f"{contacts_url(org)}/{foreign.pk}")

    assert_envelope(response, 404, "NOT_FOUND")


def _make_reference(kind: str, org) -> int:
    makers = {
        "recordTypes": lambda: factories.make_record_type(org, "Partner", is_default=False),
        "groups": lambda: factories.make_group(org, "g"),
        "topics": lambda: factories.make_topic(org, "t"),
        "sources": lambda: factories.make_source(org, "s"),
        "contactAttributes": lambda: factories.make_attribute(org, "a"),
        "contactPaths": lambda: factories.make_path(org, "p"),
    }
    return makers[kind]().pk


@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_other_orgs_key_gets_404_on_reference_data(org, other_client, api_client, kind):
    object_id = _make_reference(kind, org)

    list_response = other_client.get(f"/rest/{kind}/{org.pk}")
    detail_response = other_client.get(f"/rest/{kind}/{org.pk}/{object_id}")

    assert_envelope(list_response, 404, "NOT_FOUND")
    assert_envelope(detail_response, 404, "NOT_FOUND")
    # The owner does see it.
    assert api_client.get(f"/rest/{kind}/{org.pk}/{object_id}").status_code == 200


@pytest.mark.parametrize("kind", REFERENCE_KINDS)
def test_other_orgs_key_cannot_write_reference_data(org, other_client, api_client, kind):
    object_id = _make_reference(kind, org)
    before = api_client.get(f"/rest/{kind}/{org.pk}/{object_id}").json()

    response = other_client.delete(f"/rest/{kind}/{org.pk}/{object_id}")

    assert_envelope(response, 404, "NOT_FOUND")
    assert api_client.get(f"/rest/{kind}/{org.pk}/{object_id}").json() == before


def test_unreachable_org_with_key_lacking_scope_is_404_not_403(org, other_org, contact):
    settings_only = factories.make_key(other_org, scopes=[Scope.SETTINGS_READ])

    response = bearer(settings_only.secret).get(contacts_url(org))

    assert_envelope(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("org_id", ["999999", "abc", "99999999999999999999999"])
def test_unknown_org_is_404(api_client, org_id):
    response = api_client.get(f"/rest/contacts/{org_id}")

    assert_envelope(response, 404, "NOT_FOUND")


# --- missing organization id -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/rest/contacts", "/rest/contacts/"])
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "with-key"])
def test_missing_organization_id(path, authenticated, api_client, anon_client):
    client = api_client if authenticated else anon_client

    for method in ("get", "post", "put"):
        response = getattr(client, method)(path, {}, format="json")

        assert_envelope(response, 401, "MISSING_ORGANIZATION_ID")
        assert response.json()["message"] == "Missing Organization Id"


# --- staff sessions ----------------------------------------------------------------------------

User = get_user_model()


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_staff_member_reads_their_org(org, contact):
    user = User.objects.create_user("member", password=None, is_staff=True)
    Membership.objects.create(user=user, organization=org)

    response = session_client(user).get(contacts_url(org))

    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [contact.pk]


def test_staff_non_member_gets_404(org, other_org, contact):
    user = User.objects.create_user("outsider", password=None, is_staff=True)
    Membership.objects.create(user=user, organization=other_org)

    list_response = session_client(user).get(contacts_url(org))
    detail_response = session_client(user).get(f"{contacts_url(org)}/{contact.pk}")

    assert_envelope(list_response, 404, "NOT_FOUND")
    assert_envelope(detail_response, 404, "NOT_FOUND")


def test_superuser_reads_any_org(org, other_org, contact):
    user = User.objects.create_superuser("root", "root@example.com", None)
    foreign = factories.make_contact(other_org, external_id="B-1")

    response = session_client(user).get(f"{contacts_url(org)}/{contact.pk}")
    other = session_client(user).get(f"{contacts_url(other_org)}/{foreign.pk}")

    assert response.status_code == 200
    assert response.json()["externalId"] == "A-1"
    assert other.json()["externalId"] == "B-1"
