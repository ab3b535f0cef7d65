"""The change feed (DESIGN §11): every applied change as an event, in commit order, from an
opaque cursor; the history rows carry what an event needs."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from contacts.models import Channel, ContactChange, Scope
from contacts.services import Actor, ChangeSet, UpdateMode, apply_updates
from tests import factories
from tests.dialects.native.helpers import NativeApi, assert_error, assert_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client, org) -> NativeApi:
    factories.make_group(org, "vip")
    return NativeApi(api_client, org)


def feed(api: NativeApi, query: str = "") -> dict:
    return assert_ok(api.client.get(f"/rest/changes/{api.org.pk}{query}"))


def contact_body(external_id: str, **values) -> dict:
    return {"externalId": external_id, "firstName": "Ada", "lastName": "L", "recordTypeName": "Employee", **values}


def test_every_kind_of_change_is_an_event_in_order(api, org, key):
    created = assert_ok(api.client.post(api.url(), contact_body("e-1"), format="json"), 201)
    contact = created["id"]
    assert_ok(api.patch(contact, {"title": "Dr"}, HTTP_IDEMPOTENCY_KEY="retry-1"))
    assert_ok(api.patch(contact, {"title": "Dr"}))  # a no-op: no event
    assert_ok(api.client.post(api.membership_url, {"groupName": "vip", "contactIds": [contact]}, format="json"))
    assert api.client.delete(api.url(contact)).status_code == 204

    events = feed(api)["changes"]

    assert [(e["type"], e["version"]) for e in events] == [
        ("contact.created", 1),
        ("contact.updated", 2),
        ("contact.updated", 3),
        ("contact.deleted", 3),
    ]
    identity = {"id": contact, "uid": created["uid"], "externalId": "e-1"}
    assert all(event["contact"] == identity for event in events)  # the deleted contact is still named
    assert events[1]["changes"] == {"title": {"before": "", "after": "Dr"}}
    assert events[1]["idempotencyKey"] == "retry-1" and events[0]["idempotencyKey"] == ""
    assert list(events[2]["changes"]) == ["groups"]
    assert {event["channel"] for event in events} == {"native"}
    assert {event["actor"] for event in events} == {key.api_key.username}
    assert {event["organizationId"] for event in events} == {org.pk}
    assert [event["id"] for event in events] == sorted(event["id"] for event in events)


def test_following_the_cursor_sees_every_change_once(api):
    for n in range(7):
        assert_ok(api.client.post(api.url(), contact_body(f"c-{n}"), format="json"), 201)
    seen, cursor = [], ""
    for _ in range(10):
        page = feed(api, f"?limit=3&after={cursor}")
        seen += [event["id"] for event in page["changes"]]
        if not page["changes"]:
            assert page["nextCursor"] == cursor  # nothing new: the same cursor
            break
        cursor = page["nextCursor"]

    assert seen == list(ContactChange.objects.order_by("id").values_list("id", flat=True))
    assert_ok(api.client.post(api.url(), contact_body("late"), format="json"), 201)
    assert [event["contact"]["externalId"] for event in feed(api, f"?after={cursor}")["changes"]] == ["late"]


def test_types_and_fields_filter_and_the_cursor_moves_past_what_they_skip(api):
    contact = assert_ok(api.client.post(api.url(), contact_body("f-1"), format="json"), 201)["id"]
    assert_ok(api.patch(contact, {"title": "Dr"}))
    assert_ok(api.patch(contact, {"companyName": "Acme"}))

    only_created = feed(api, "?types=contact.created")
    titles = feed(api, "?fields=title")

    assert [event["type"] for event in only_created["changes"]] == ["contact.created"]
    assert [list(event["changes"]) for event in titles["changes"]] == [["title"]]
    company = feed(api, "?fields=companyName")["changes"]
    assert [list(event["changes"]) for event in company] == [["companyName"]]
    last = feed(api, "?fields=title&limit=5")
    assert feed(api, "?after=" + last["nextCursor"])["changes"] == []  # read past the skipped update


@pytest.mark.parametrize(
    "query",
    [
        "?after=bm9wZQ",
        "?after=%%%",
        "?limit=0",
        "?limit=1001",
        "?limit=x",
        "?types=contact.moved",
        "?fields=nope",
        "?wait=31",
    ],
)
def test_bad_parameters_are_refused(api, query):
    assert_error(api.client.get(f"/rest/changes/{api.org.pk}{query}"), 400, "VALIDATION_ERROR")


def test_the_feed_needs_read_scope_and_stays_in_its_organization(api, org, other_org):
    assert_ok(api.client.post(api.url(), contact_body("t-1"), format="json"), 201)
    writer = APIClient()
    writer.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]).secret}")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(other_org).secret}")

    assert_error(writer.get(f"/rest/changes/{org.pk}"), 403, "FORBIDDEN")
    assert_error(stranger.get(f"/rest/changes/{org.pk}"), 404, "NOT_FOUND")
    assert assert_ok(stranger.get(f"/rest/changes/{other_org.pk}"))["changes"] == []


def test_a_batch_writes_one_event_per_applied_item(api, org):
    values = [
        {"external_id": f"b-{n}", "first_name": "B", "last_name": "L", "record_type_name": "Employee"}
        for n in range(50)
    ]
    results = apply_updates(
        organization=org,
        items=[ChangeSet(values=v) for v in values],
        mode=UpdateMode.FULL,
        actor=Actor(label="setup"),
        channel=Channel.IMPORT,
    )
    ids = [result.contact_id for result in results]
    assert [event["contact"]["id"] for event in feed(api, "?limit=1000")["changes"]] == ids
    items = [contact_body(f"b-{n}", id=contact_id, title="T") for n, contact_id in enumerate(ids)]

    assert_ok(api.client.put(api.batch_url, items, format="json"))

    events = feed(api, "?limit=1000&types=contact.updated")["changes"]
    assert [(event["contact"]["id"], event["version"], event["channel"]) for event in events] == [
        (i, 2, "native") for i in ids
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the in-memory SQLite test database locks tables across threads"
)
def test_a_long_poll_answers_when_a_change_commits(api, org):
    start = feed(api)["nextCursor"]

    def write_later():
        time.sleep(0.5)
        try:
            api.client.post(api.url(), contact_body("w-1"), format="json")
        finally:
            connection.close()

    writer = threading.Thread(target=write_later)
    writer.start()
    answer = feed(api, f"?after={start}&wait=10")
    writer.join()

    assert [event["contact"]["externalId"] for event in answer["changes"]] == ["w-1"]
