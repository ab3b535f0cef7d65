"""``Idempotency-Key`` (DESIGN §10) on the writes of every REST dialect: a retry gets the
first answer and applies nothing; another request with the same key is refused; the record
lives 24 hours and belongs to one caller."""

import base64
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from contacts.api.idempotency import REPLAYED
from contacts.models import Contact, ContactChange, IdempotencyRecord
from tests import factories
from tests.dialects.native.helpers import NativeApi, assert_error, assert_ok, seed_contact

pytestmark = pytest.mark.django_db


def key_header(value: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": value}


@pytest.fixture
def api(api_client, org) -> NativeApi:
    return NativeApi(api_client, org)


@pytest.fixture
def contact(org) -> int:
    return seed_contact(
        org,
        external_id="c-1",
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        record_type_name="Employee",
    )


def test_a_retried_patch_answers_the_first_answer_and_applies_once(api, contact):
    first = api.patch(contact, {"firstName": "Augusta"}, **key_header("k-1"))
    assert_ok(first)
    api.client.patch(api.url(contact), {"firstName": "Someone else"}, format="json")  # a change in between
    retry = api.patch(contact, {"firstName": "Augusta"}, **key_header("k-1"))

    assert retry.status_code == 200 and retry[REPLAYED] == "true" and not first.has_header(REPLAYED)
    assert retry.content == first.content and retry["ETag"] == first["ETag"]
    assert api.get(contact)["firstName"] == "Someone else"  # the retry did not apply "Augusta" again
    assert [entry["changes"].get("firstName", {}).get("after") for entry in api.history(contact)[:2]] == [
        "Someone else",
        "Augusta",
    ]


def test_a_retried_create_creates_one_contact_and_repeats_its_location(api, org):
    body = {"externalId": "new-1", "firstName": "New", "lastName": "Comer", "recordTypeName": "Employee"}

    first = api.client.post(api.url(), body, format="json", **key_header("create-1"))
    retry = api.client.post(api.url(), body, format="json", **key_header("create-1"))

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Location"] == first["Location"] and retry.json()["id"] == first.json()["id"]
    assert Contact.objects.filter(organization=org, external_id="new-1").count() == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api, contact):
    assert_ok(api.patch(contact, {"firstName": "Augusta"}, **key_header("k-2")))
    before = api.snapshot(contact)

    body = assert_error(api.patch(contact, {"firstName": "Other"}, **key_header("k-2")), 422, "IDEMPOTENCY_KEY_REUSED")

    assert "Idempotency-Key" in body["message"]
    api.assert_unchanged(before)


def test_the_same_key_on_another_path_or_query_is_another_request(api, contact, org):
    other = seed_contact(org, external_id="c-2", first_name="Bob", last_name="B", record_type_name="Employee")
    assert_ok(api.patch(contact, {"title": "Dr"}, **key_header("k-3")))

    assert_error(api.patch(other, {"title": "Dr"}, **key_header("k-3")), 422, "IDEMPOTENCY_KEY_REUSED")
    assert api.get(other)["title"] == ""


def test_a_refusal_is_kept_and_replayed_too(api, contact):
    first = assert_error(api.patch(contact, {"email": "nope"}, **key_header("k-4")), 400, "VALIDATION_ERROR")

    retry = api.patch(contact, {"email": "nope"}, **key_header("k-4"))

    assert retry.status_code == 400 and retry[REPLAYED] == "true" and retry.json() == first


def test_keys_belong_to_their_caller(api, contact, org):
    assert_ok(api.patch(contact, {"title": "Dr"}, **key_header("shared")))
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org).secret}")

    response = other.patch(api.url(contact), {"title": "Prof"}, format="json", **key_header("shared"))

    assert response.status_code == 200 and not response.has_header(REPLAYED)
    assert api.get(contact)["title"] == "Prof"
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_a_dry_run_keeps_no_record_and_the_real_call_then_applies(api, contact):
    before = api.snapshot(contact)

    dry = api.client.patch(api.url(contact) + "?validateOnly=true", {"title": "Dr"}, format="json", **key_header("k-5"))

    assert dry.status_code == 200 and dry.json()["validateOnly"] is True
    api.assert_unchanged(before)
    assert not IdempotencyRecord.objects.exists()
    real = api.patch(contact, {"title": "Dr"}, **key_header("k-5"))
    assert real.status_code == 200 and not real.has_header(REPLAYED) and api.get(contact)["title"] == "Dr"


@pytest.mark.parametrize("value", ["", "x" * 256, "clé"])
def test_a_malformed_key_is_refused_before_anything_runs(api, contact, value):
    before = api.snapshot(contact)

    client = api.client
    response = client.generic(
        "PATCH",
        api.url(contact),
        b'{"title": "Dr"}',
        content_type="application/json",
        headers={"Idempotency-Key": value},
    )

    assert_error(response, 400, "INVALID_IDEMPOTENCY_KEY")
    api.assert_unchanged(before)


def test_a_failed_write_keeps_no_record_and_rolls_back(api, contact, monkeypatch):
    from contacts.api import idempotency

    def broken(*args, **kwargs):
        raise RuntimeError("storage failed")

    before = api.snapshot(contact)
    monkeypatch.setattr(idempotency.IdempotencyRecord.objects, "create", broken)
    api.client.raise_request_exception = False

    response = api.patch(contact, {"title": "Dr"}, **key_header("k-6"))

    assert response.status_code == 500
    api.assert_unchanged(before)  # the change and its record share one transaction
    monkeypatch.undo()
    assert api.patch(contact, {"title": "Dr"}, **key_header("k-6")).status_code == 200
    assert api.get(contact)["title"] == "Dr"


def test_a_key_stored_meanwhile_by_another_request_refuses_this_one_and_keeps_nothing(api, contact, key, monkeypatch):
    from contacts.api import idempotency

    def another_request_stores_the_key_meanwhile(organization):
        now = timezone.now()
        IdempotencyRecord.objects.create(
            organization=organization,
            owner=f"api_key:{key.api_key.pk}",
            key="k-race",
            fingerprint="another request",
            status=200,
            headers={},
            body=b"{}",
            created_at=now,
            expires_at=now + timedelta(hours=24),
        )

    monkeypatch.setattr(idempotency, "purge_expired", another_request_stores_the_key_meanwhile)
    before = api.snapshot(contact)

    response = api.patch(contact, {"title": "Dr"}, **key_header("k-race"))

    assert response.status_code == 409 and response.json()["code"] == "IDEMPOTENCY_KEY_IN_USE"
    api.assert_unchanged(before)  # the change went with the record it could not store


def test_records_expire_after_a_day_and_are_purged(api, contact):
    assert_ok(api.patch(contact, {"title": "Dr"}, **key_header("k-7")))
    record = IdempotencyRecord.objects.get(key="k-7")
    assert record.expires_at - record.created_at == timedelta(hours=24)
    IdempotencyRecord.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    again = api.patch(contact, {"title": "Prof"}, **key_header("k-7"))

    assert again.status_code == 200 and not again.has_header(REPLAYED) and api.get(contact)["title"] == "Prof"
    assert IdempotencyRecord.objects.filter(key="k-7").count() == 1  # the expired one went lazily
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not IdempotencyRecord.objects.exists()


def test_batches_and_memberships_replay(api, contact, org):
    group = factories.make_group(org, "vip")
    batch = [{"id": contact, "externalId": "c-1", "firstName": "A", "lastName": "L", "recordTypeName": "Employee"}]
    first = api.client.put(api.batch_url, batch, format="json", **key_header("b-1"))
    retry = api.client.put(api.batch_url, batch, format="json", **key_header("b-1"))
    assert retry[REPLAYED] == "true" and retry.content == first.content

    body = {"groupId": group.pk, "contactIds": [contact]}
    added = api.client.post(api.membership_url, body, format="json", **key_header("m-1"))
    api.client.delete(api.membership_url, body, format="json")
    replayed = api.client.post(api.membership_url, body, format="json", **key_header("m-1"))

    assert added.json()["changed"] == [contact] and replayed.json() == added.json()
    assert api.get(contact)["groups"] == []  # the replay did not add the contact again
    changes = ContactChange.objects.filter(contact_id=contact).count()
    assert changes == 4  # seed, batch, add, remove


def test_the_keyed_dialect_replays_and_names_its_reply_codes(org, contact, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")
    body = {"key_id": "3", "3": "ada@example.com", "1": "Augusta"}

    first = client.put("/api/v2/contact", body, format="json", **key_header("kd-1"))
    retry = client.put("/api/v2/contact", body, format="json", **key_header("kd-1"))
    reused = client.put("/api/v2/contact", {**body, "1": "X"}, format="json", **key_header("kd-1"))

    assert first.json()["replyCode"] == 0 and retry[REPLAYED] == "true" and retry.content == first.content
    assert reused.status_code == 422 and reused.json()["replyCode"] == 1002
    assert Contact.objects.get(pk=contact).first_name == "Augusta"
    assert ContactChange.objects.filter(contact_id=contact).count() == 2


def test_the_external_and_legacy_dialects_replay_in_their_envelopes(org, contact, key):
    uid = Contact.objects.get(pk=contact).uid
    external = APIClient()
    external.credentials(HTTP_X_API_KEY=key.secret)
    first = external.put(f"/external/v1/contacts/{uid}", {"name": "Eve Lovelace"}, format="json", **key_header("e-1"))
    retry = external.put(f"/external/v1/contacts/{uid}", {"name": "Eve Lovelace"}, format="json", **key_header("e-1"))
    reused = external.put(f"/external/v1/contacts/{uid}", {"name": "Fay Lovelace"}, format="json", **key_header("e-1"))
    assert first.status_code == 200 and retry[REPLAYED] == "true" and retry.content == first.content
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"

    legacy = APIClient()
    basic = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    legacy.credentials(HTTP_AUTHORIZATION=f"Basic {basic}")
    body = {"id": contact, "name": "L"}
    first = legacy.put(f"/api/2.0/contacts/{contact}", body, format="json", **key_header("l-1"))
    retry = legacy.put(f"/api/2.0/contacts/{contact}", body, format="json", **key_header("l-1"))
    bad = legacy.put(f"/api/2.0/contacts/{contact}", body, format="json", **key_header(""))
    assert first.status_code == 200 and retry[REPLAYED] == "true" and retry.content == first.content
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert Contact.objects.get(pk=contact).first_name == "L"
    assert ContactChange.objects.filter(contact_id=contact).count() == 3


WRITE_METHODS = ("post", "put", "patch", "delete")
#: Methods that only refuse (404 MISSING_CONTACT_ID, 401 MISSING_ORGANIZATION_ID): nothing to keep.
ONLY_REFUSE = {"ContactListView.put", "ContactListView.patch", "ContactListView.delete"}


def every_pattern(patterns):
    for pattern in patterns:
        yield from every_pattern(pattern.url_patterns) if hasattr(pattern, "url_patterns") else [pattern]


def contact_write_handlers():
    for pattern in every_pattern(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not view.__module__.startswith("contacts.dialects"):
            continue
        for method in WRITE_METHODS:
            handler = getattr(view, method, None)
            if handler is not None:
                yield f"{view.__name__}.{method}", handler


def test_every_contact_write_of_every_dialect_honours_the_header():
    handlers = dict(contact_write_handlers())
    missing = [
        name
        for name, handler in handlers.items()
        if not getattr(handler, "idempotent", False)
        and name not in ONLY_REFUSE
        and not name.startswith("MissingOrganizationView.")
    ]
    assert {"KeyedContactView.put", "ExternalContactView.put", "LegacyContactView.put"} <= set(handlers)
    assert missing == []


def test_a_key_in_use_is_refused_in_every_dialects_envelope(org, contact, key, monkeypatch):
    from contacts.api import idempotency

    monkeypatch.setattr(idempotency, "_try_lock", lambda *args: False)  # the first request still runs
    uid = Contact.objects.get(pk=contact).uid
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}", HTTP_X_API_KEY=key.secret)
    basic = base64.b64encode(f"{key.api_key.username}:{key.secret}".encode()).decode()
    sent = {
        "native": client.patch(f"/rest/contacts/{org.pk}/{contact}", {"title": "Dr"}, format="json", **key_header("u")),
        "keyed": client.put(
            "/api/v2/contact", {"key_id": "id", "id": contact, "9": "Dr"}, format="json", **key_header("u")
        ),
        "external": client.put(f"/external/v1/contacts/{uid}", {"position": "Dr"}, format="json", **key_header("u")),
        "legacy": APIClient().put(
            f"/api/2.0/contacts/{contact}",
            {"title": "Dr"},
            format="json",
            HTTP_AUTHORIZATION=f"Basic {basic}",
            **key_header("u"),
        ),
    }

    assert {name: response.status_code for name, response in sent.items()} == dict.fromkeys(sent, 409)
    assert sent["native"].json()["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert sent["keyed"].json()["replyCode"] == 1003
    assert sent["external"].json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert sent["legacy"].json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    stored = Contact.objects.get(pk=contact)
    assert (stored.title, stored.company_position, stored.version) == ("", "", 1)
    assert not IdempotencyRecord.objects.exists()


def test_a_malformed_key_is_refused_on_a_dry_run_too(api, contact):
    response = api.client.patch(
        api.url(contact) + "?validateOnly=true", {"title": "Dr"}, format="json", headers={"Idempotency-Key": ""}
    )

    assert_error(response, 400, "INVALID_IDEMPOTENCY_KEY")


@pytest.mark.parametrize("query", ["?validateOnly=maybe", "?allOrNone=1767", "?validateOnly=%C2%84"])
def test_a_flag_that_is_neither_true_nor_false_is_refused(api, contact, query):
    before = api.snapshot(contact)
    batch = [{"id": contact, "externalId": "c-1", "firstName": "X", "lastName": "L", "recordTypeName": "Employee"}]

    assert_error(api.client.put(api.batch_url + query, batch, format="json"), 400, "VALIDATION_ERROR")
    api.assert_unchanged(before)


def test_a_keyed_flag_that_is_neither_1_nor_0_is_a_malformed_request(org, contact, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.secret}")

    response = client.put("/api/v2/contact?validate_only=2", {"key_id": "id", "id": contact, "9": "Dr"}, format="json")

    assert response.status_code == 400 and response.json()["replyCode"] == 1001
    assert Contact.objects.get(pk=contact).title == ""
