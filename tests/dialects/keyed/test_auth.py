"""Authentication of the keyed dialect (DESIGN §5, §9): WSSE UsernameToken with a ±5 minute
``Created`` window and nonce replay protection; Bearer and X-API-Key too. Every refusal
leaves the contact as it was."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework.test import APIClient

from contacts.models import ApiKey, WsseNonce
from tests import factories
from tests.dialects.keyed.conftest import CONTACT_URL, KeyedApi, assert_reply, wsse_header


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def minutes_from_now(minutes: int) -> str:
    return stamp(datetime.now(UTC) + timedelta(minutes=minutes))


def put_with(client: APIClient, people, **headers: str):
    body = {"key_id": "id", "id": people.malekith, "2": "the Accursed"}
    return client.put(CONTACT_URL, body, format="json", **headers)


def test_wsse_token_authenticates_and_the_write_lands(key, native, people):
    response = put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key))

    assert assert_reply(response, 200, 0, "OK") == {"id": people.malekith}
    assert native.get(people.malekith)["lastName"] == "the Accursed"
    assert native.history(people.malekith)[0]["actor"] == f"api_key:{key.api_key.username}"


def test_wsse_created_with_an_offset_is_accepted(key, native, people):
    created = datetime.now(timezone(timedelta(hours=2))).isoformat(timespec="seconds")

    response = put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, created=created))

    assert_reply(response, 200, 0, "OK")
    assert native.get(people.malekith)["lastName"] == "the Accursed"


def test_wsse_created_4_minutes_old_is_accepted(key, native, people):
    created = minutes_from_now(-4)

    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, created=created)), 200, 0, "OK")


def test_replayed_nonce_is_refused(key, native, people):
    header = wsse_header(key, nonce="once-only")
    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=header), 200, 0, "OK")
    before = native.snapshot(people.malekith)

    replay = APIClient().put(
        CONTACT_URL, {"key_id": "id", "id": people.malekith, "2": "Replayed"}, format="json", HTTP_X_WSSE=header
    )

    assert_reply(replay, 401, 1)
    native.assert_unchanged(before)


def test_the_same_nonce_is_fine_for_another_key(org, key, native, people):
    other = factories.make_key(org)
    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, nonce="shared")), 200, 0, "OK")

    response = put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(other, nonce="shared"))

    assert_reply(response, 200, 0, "OK")


BAD_TOKENS = {
    "6-min-old": lambda k: wsse_header(k, created=minutes_from_now(-6)),
    "6-min-ahead": lambda k: wsse_header(k, created=minutes_from_now(6)),
    "unreadable-created": lambda k: wsse_header(k, created="yesterday"),
    "wrong-digest": lambda k: wsse_header(k, secret=k.secret + "x"),
    "unknown-username": lambda k: wsse_header(k, username="nobody"),
    "not-a-username-token": lambda k: wsse_header(k).replace("UsernameToken", "Token"),
    "missing-nonce-and-created": lambda k: wsse_header(k).split(", Nonce")[0],
    "garbage": lambda k: "garbage",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_bad_wsse_tokens_are_401(key, native, people, kind):
    before = native.snapshot(people.malekith)

    response = put_with(APIClient(), people, HTTP_X_WSSE=BAD_TOKENS[kind](key))

    assert_reply(response, 401, 1)
    native.assert_unchanged(before)


def test_wsse_of_an_inactive_key_is_401(org, native, people):
    retired = factories.make_key(org)
    ApiKey.objects.filter(pk=retired.api_key.pk).update(is_active=False)
    before = native.snapshot(people.malekith)

    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(retired)), 401, 1)
    native.assert_unchanged(before)


def test_missing_credentials_are_401_with_a_challenge(native, people):
    before = native.snapshot(people.malekith)

    response = put_with(APIClient(), people)

    assert_reply(response, 401, 1)
    assert response.headers["WWW-Authenticate"]
    native.assert_unchanged(before)


@pytest.mark.parametrize("scheme", ["bearer", "x-api-key"])
def test_bearer_and_x_api_key_work_too(key, native, people, scheme):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key.secret}"} if scheme == "bearer" else {"HTTP_X_API_KEY": key.secret}

    response = put_with(APIClient(), people, **headers)

    assert_reply(response, 200, 0, "OK")
    assert native.get(people.malekith)["lastName"] == "the Accursed"


@pytest.mark.parametrize("scheme", ["bearer", "x-api-key"])
def test_wrong_bearer_or_x_api_key_is_401(key, native, people, scheme):
    secret = key.secret + "x"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if scheme == "bearer" else {"HTTP_X_API_KEY": secret}
    before = native.snapshot(people.malekith)

    assert_reply(put_with(APIClient(), people, **headers), 401, 1)
    native.assert_unchanged(before)


def test_a_key_without_contacts_write_gets_403_on_put(org, native, people):
    reader = KeyedApi(factories.make_key(org, scopes=["contacts:read", "settings:read"]))
    before = native.snapshot(people.malekith)

    response = reader.put({"key_id": "id", "id": people.malekith, "2": "the Accursed"})

    assert_reply(response, 403, 1)
    native.assert_unchanged(before)


def test_key_material_is_not_stored_in_plain_text(key, people):
    nonce = "nonce-under-test"
    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, nonce=nonce)), 200, 0, "OK")

    [stored_nonce] = WsseNonce.objects.filter(api_key=key.api_key).values()
    assert stored_nonce["nonce"] == nonce
    assert not any(key.secret in str(value) for value in stored_nonce.values())
    [stored_key] = ApiKey.objects.filter(pk=key.api_key.pk).values()
    assert not any(key.secret in str(value) for value in stored_key.values())


def test_nonces_older_than_10_minutes_are_pruned(key, people):
    now = datetime.now(UTC)
    WsseNonce.objects.create(api_key=key.api_key, nonce="old", created_at=now - timedelta(minutes=11))
    WsseNonce.objects.create(api_key=key.api_key, nonce="recent", created_at=now - timedelta(minutes=9))

    assert_reply(put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, nonce="new")), 200, 0, "OK")

    assert set(WsseNonce.objects.values_list("nonce", flat=True)) == {"recent", "new"}


def test_a_pruned_nonce_cannot_be_replayed_because_its_created_is_stale(key, native, people):
    created = minutes_from_now(-11)
    WsseNonce.objects.create(api_key=key.api_key, nonce="stale", created_at=datetime.now(UTC) - timedelta(minutes=11))
    before = native.snapshot(people.malekith)

    response = put_with(APIClient(), people, HTTP_X_WSSE=wsse_header(key, nonce="stale", created=created))

    assert_reply(response, 401, 1)
    native.assert_unchanged(before)
