"""Webhooks (DESIGN §11) against a real HTTP receiver on loopback: subscriptions, signed
deliveries, retries, order per contact, crash recovery, echo suppression, field filters,
410 and server-side request forgery refusals."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from contacts.models import Channel, DeliveryStatus, Scope, WebhookDelivery, WebhookSubscription
from contacts.services import Actor, ChangeSet, UpdateMode, apply_updates
from contacts.webhooks.delivery import claim, deliver, fan_out
from tests import factories
from tests.dialects.native.helpers import assert_error, assert_ok, seed_contact
from tests.events.receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on loopback
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()


@pytest.fixture
def contact(org) -> int:
    return seed_contact(org, external_id="w-1", first_name="Ada", last_name="L", record_type_name="Employee")


def subscribe(api_client, org, url: str, **options) -> dict:
    return assert_ok(api_client.post(f"/rest/webhooks/{org.pk}", {"url": url, **options}, format="json"), 201)


def patch(api_client, org, contact: int, body: dict):
    return assert_ok(api_client.patch(f"/rest/contacts/{org.pk}/{contact}", body, format="json"))


def make_due() -> None:
    WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_subscription_shows_its_secret_once(api_client, org, receiver):
    created = subscribe(api_client, org, receiver.url, types=["contact.updated"], excludeActors=["crm"])

    assert created["secret"].startswith("whsec_") and created["active"] is True
    listed = assert_ok(api_client.get(f"/rest/webhooks/{org.pk}"))
    [shown] = listed["results"] if isinstance(listed, dict) else listed
    assert "secret" not in shown and shown["types"] == ["contact.updated"] and shown["excludeActors"] == ["crm"]
    assert WebhookSubscription.objects.get().secret_encrypted != created["secret"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "ftp://example.com/hook",
    ],
)
def test_private_and_odd_addresses_are_refused(api_client, org, url):
    assert_error(api_client.post(f"/rest/webhooks/{org.pk}", {"url": url}, format="json"), 400, "VALIDATION_ERROR")
    assert not WebhookSubscription.objects.exists()


def test_subscriptions_need_settings_write_and_stay_in_their_organization(api_client, org, other_org, receiver):
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, scopes=[Scope.CONTACTS_WRITE]).secret}")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(other_org).secret}")
    created = subscribe(api_client, org, receiver.url)

    assert_error(reader.post(f"/rest/webhooks/{org.pk}", {"url": receiver.url}, format="json"), 403, "FORBIDDEN")
    assert_error(stranger.get(f"/rest/webhooks/{org.pk}/{created['id']}"), 404, "NOT_FOUND")
    bad = {"url": receiver.url, "types": ["contact.moved"]}
    assert_error(api_client.post(f"/rest/webhooks/{org.pk}", bad, format="json"), 400, "VALIDATION_ERROR")
    assert WebhookSubscription.objects.count() == 1


def test_a_delivery_is_signed_and_verifiable(api_client, org, contact, receiver):
    secret = subscribe(api_client, org, receiver.url)["secret"]
    patch(api_client, org, contact, {"title": "Dr"})

    deliver(once=True)

    [request] = receiver.received
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["type"] == "contact.updated" and event["version"] == 2
    assert event["contact"]["id"] == contact and event["contact"]["externalId"] == "w-1"
    assert event["changes"] == {"title": {"before": "", "after": "Dr"}}
    assert request.headers["webhook-id"] == f"evt_{event['id']}"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    with pytest.raises(Exception):  # noqa: B017 - any verification error
        Webhook(secret).verify(request.body.replace(b"Dr", b"Mr"), request.headers)


def test_failures_and_time_outs_are_retried_with_the_same_id(api_client, org, contact, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    subscribe(api_client, org, receiver.url)
    patch(api_client, org, contact, {"title": "Dr"})
    receiver.script = [500, ("sleep", 1)]

    deliver(once=True)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, 500)
    assert timedelta(0) < delivery.next_attempt_at - delivery.last_attempt_at <= timedelta(seconds=10)
    deliver(once=True)
    assert len(receiver.received) == 1  # not due yet
    make_due()
    deliver(once=True)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code is None and "Timeout" in delivery.last_error
    make_due()
    deliver(once=True)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 3, 200)
    assert len(set(receiver.ids())) == 1 and len(receiver.received) == 3


def test_a_contacts_events_go_out_in_version_order(api_client, org, contact, receiver):
    subscribe(api_client, org, receiver.url)
    for title in ("A", "B", "C"):
        patch(api_client, org, contact, {"title": title})
    receiver.script = [503]

    deliver(once=True)
    assert len(receiver.received) == 1  # the later events wait for the first
    make_due()
    deliver(once=True)

    versions = [request.event["version"] for request in receiver.received]
    assert versions == [2, 2, 3, 4]


def test_a_crashed_workers_deliveries_are_sent_by_the_next(api_client, org, contact, receiver):
    subscribe(api_client, org, receiver.url)
    patch(api_client, org, contact, {"title": "Dr"})
    fan_out()
    assert len(claim(10)) == 1  # a worker claims it, then dies before sending

    deliver(once=True)
    assert receiver.received == []  # still leased
    WebhookDelivery.objects.update(leased_until=timezone.now() - timedelta(seconds=1))
    call_command("deliver_webhooks", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert len(receiver.received) == 1 and WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_echo_suppression_and_field_filters(api_client, org, contact, receiver, key):
    subscribe(api_client, org, receiver.url, excludeActors=[key.api_key.username])
    subscribe(api_client, org, receiver.url + "?only=company", fields=["companyName"])
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_key(org, username='other-app').secret}")
    patch(api_client, org, contact, {"title": "own write"})
    assert_ok(other.patch(f"/rest/contacts/{org.pk}/{contact}", {"companyName": "Acme"}, format="json"))

    deliver(once=True)

    sent = sorted((request.event["actor"], list(request.event["changes"])) for request in receiver.received)
    assert sent == [("other-app", ["companyName"]), ("other-app", ["companyName"])]


def test_410_disables_the_subscription(api_client, org, contact, receiver):
    subscribe(api_client, org, receiver.url)
    patch(api_client, org, contact, {"title": "A"})
    receiver.script = [410]

    deliver(once=True)
    patch(api_client, org, contact, {"title": "B"})
    deliver(once=True)

    subscription = WebhookSubscription.objects.get()
    assert subscription.active is False and "410" in subscription.disabled_reason
    assert [d.status for d in WebhookDelivery.objects.order_by("id")] == [DeliveryStatus.FAILED]
    assert len(receiver.received) == 1


def test_a_private_address_is_refused_at_delivery_time_too(api_client, org, contact, receiver, settings):
    subscribe(api_client, org, receiver.url)
    patch(api_client, org, contact, {"title": "A"})
    settings.WEBHOOK_ALLOW_PRIVATE = False

    deliver(once=True)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error.startswith("refused:")
    assert receiver.received == []


def test_after_a_day_of_failures_a_delivery_fails(api_client, org, contact, receiver):
    subscribe(api_client, org, receiver.url)
    patch(api_client, org, contact, {"title": "A"})
    fan_out()
    WebhookDelivery.objects.update(give_up_at=timezone.now())
    receiver.script = [500]

    deliver(once=True)

    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_fanning_out_costs_no_more_queries_for_1000_changes_than_for_10(api_client, org, receiver):
    subscribe(api_client, org, receiver.url)

    def changes(count: int, start: int) -> int:
        items = [
            ChangeSet(
                values={"external_id": f"f{n}", "first_name": "F", "last_name": "L", "record_type_name": "Employee"}
            )
            for n in range(start, start + count)
        ]
        apply_updates(
            organization=org, items=items, mode=UpdateMode.FULL, actor=Actor(label="setup"), channel=Channel.IMPORT
        )
        with CaptureQueriesContext(connection) as captured:
            fan_out()
        return len(captured.captured_queries)

    small, large = changes(10, 0), changes(1000, 10)

    assert large <= small
    assert WebhookDelivery.objects.count() == 1010


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_active_must_be_a_json_boolean(api_client, org, receiver, value):
    body = {"url": receiver.url, "active": value}

    assert_error(api_client.post(f"/rest/webhooks/{org.pk}", body, format="json"), 400, "VALIDATION_ERROR", ["/active"])
    assert not WebhookSubscription.objects.exists()


def test_excluded_actors_must_be_text(api_client, org, receiver):
    body = {"url": receiver.url, "excludeActors": ["crm", 0]}

    assert_error(api_client.post(f"/rest/webhooks/{org.pk}", body, format="json"), 400, "VALIDATION_ERROR")
    assert not WebhookSubscription.objects.exists()
