"""The delivery worker (``manage.py deliver_webhooks``, DESIGN §11).

1. **Fan out.** Each active subscription keeps a cursor into its organization's history
   (the outbox); new rows that match its types, fields and excluded actors become
   deliveries, in one insert per subscription. It reads up to its organization's settled
   id (``contacts.services.history``), so a cursor never passes a change still committing.
2. **Claim.** A worker takes due deliveries with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL;
   SQLite has one writer) and leases them; only the oldest pending delivery of each contact
   and subscription is due, so one contact's events go out in version order. A crashed
   worker's lease runs out and another worker takes the delivery again: at least once, and
   ``webhook-id`` lets receivers drop repeats.
3. **Send.** Signed per Standard Webhooks; 2xx is delivered, 410 disables the subscription,
   anything else (time-outs included) is retried with exponential backoff for 24 hours.

Row locking was chosen over a task library: the history already is the queue, so the
worker needs no second store, and it runs the same on SQLite and PostgreSQL.
"""

import json
import secrets
import time
from base64 import b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from standardwebhooks import Webhook

from contacts.auth.keys import decrypt_text
from contacts.dialects.native import wire
from contacts.dialects.native.serializers import ChangeEventSerializer
from contacts.models import ContactChange, DeliveryStatus, WebhookDelivery, WebhookSubscription
from contacts.services import settled_change_ids
from contacts.webhooks.addresses import AddressRefused, check_url

RETRY_FOR = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(hours=1)
FAN_OUT_BATCH = 1000
USER_AGENT = "contact-platform-webhooks/1"


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(24)).decode()


def current_position(organization_id: int) -> int:
    """Where a new subscription starts: after the organization's settled id, so it is sent
    every change that commits from now on, and none that committed before."""
    return settled_change_ids({organization_id: 0})[organization_id]


def retry_delay(attempts: int) -> timedelta:
    """5 s after the first failure, doubling, at most an hour apart."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def lease() -> timedelta:
    """How long a claimed delivery is held: its request's time-out and a margin."""
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def matches(subscription: WebhookSubscription, change: ContactChange) -> bool:
    if subscription.types and change.event_type not in subscription.types:
        return False
    if change.actor_name in subscription.exclude_actors:
        return False
    return not subscription.fields or bool(set(subscription.fields) & set(wire.render_changes(change.changes)))


def fan_out(now: datetime | None = None) -> int:
    """New history rows → deliveries, for every active subscription no other worker is
    fanning out; returns how many deliveries were made. Queries grow with subscriptions,
    not with changes."""
    now = now or timezone.now()
    made = 0
    # Before the transaction below, which would keep the history locks until it ends.
    settled = settled_change_ids(
        dict(
            WebhookSubscription.objects.filter(active=True)
            .values_list("organization_id")
            .annotate(read_up_to=Min("last_change_id"))
            .order_by()
        )
    )
    with transaction.atomic():
        subscriptions = list(WebhookSubscription.objects.select_for_update(skip_locked=True).filter(active=True))
        for subscription in subscriptions:
            changes = list(
                ContactChange.objects.filter(
                    organization_id=subscription.organization_id,
                    id__gt=subscription.last_change_id,
                    id__lte=settled.get(subscription.organization_id, 0),
                ).order_by("id")[:FAN_OUT_BATCH]
            )
            if not changes:
                continue
            deliveries = [
                WebhookDelivery(
                    organization_id=subscription.organization_id,
                    subscription=subscription,
                    change=change,
                    contact_id_value=change.contact_id_value,
                    created_at=now,
                    next_attempt_at=now,
                    give_up_at=now + RETRY_FOR,
                )
                for change in changes
                if matches(subscription, change)
            ]
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            made += len(deliveries)
            subscription.last_change_id = changes[-1].pk
        WebhookSubscription.objects.bulk_update(subscriptions, ["last_change_id"])
    return made


def claim(limit: int, now: datetime | None = None) -> list[WebhookDelivery]:
    """Lease up to ``limit`` due deliveries: pending, not leased (or the lease ran out), of
    an active subscription, and the oldest pending one of their contact."""
    now = now or timezone.now()
    earlier = WebhookDelivery.objects.filter(
        subscription=OuterRef("subscription"),
        contact_id_value=OuterRef("contact_id_value"),
        status=DeliveryStatus.PENDING,
        change_id__lt=OuterRef("change_id"),
    )
    with transaction.atomic():
        due = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription", "change")
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__active=True)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .exclude(Exists(earlier))
            .order_by("id")[:limit]
        )
        claimed = list(due)
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(leased_until=now + lease())
    return claimed


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the receiver's status, or why there was none."""

    status_code: int | None
    error: str = ""
    #: The address may not be called (server-side request forgery): no point retrying.
    refused: bool = False


def signed_request(delivery: WebhookDelivery, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The event's JSON body and its Standard Webhooks headers."""
    body = json.dumps(ChangeEventSerializer(delivery.change).data, separators=(",", ":"))
    message_id = f"evt_{delivery.change_id}"
    signature = Webhook(decrypt_text(delivery.subscription.secret_encrypted)).sign(message_id, now, body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


def send(delivery: WebhookDelivery, now: datetime) -> Answer:
    """One attempt; redirects are not followed (they could lead anywhere)."""
    url = delivery.subscription.url
    try:
        check_url(url)
    except AddressRefused as refused:
        return Answer(None, f"refused: {refused}", refused=True)
    body, headers = signed_request(delivery, now)
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        return Answer(None, f"{type(error).__name__}: {error}"[:500])
    return Answer(response.status_code)


def record(delivery: WebhookDelivery, answer: Answer, now: datetime) -> None:
    """Delivered, retried later, or given up; a 410 also disables the subscription."""
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    delivery.leased_until = None
    code = answer.status_code
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
    elif code == 410 or answer.refused:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        if delivery.next_attempt_at > delivery.give_up_at:
            delivery.status = DeliveryStatus.FAILED
    fields = ["attempts", "last_attempt_at", "last_status_code", "last_error", "leased_until", "status"]
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=delivery.next_attempt_at, **{name: getattr(delivery, name) for name in fields}
        )
        if code == 410:
            WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
                active=False, disabled_reason=f"The receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC."
            )


def deliver(*, once: bool, batch_size: int = 100, poll_seconds: float = 1.0) -> int:
    """Fan out, claim, send and record until nothing is due (``once``) or forever; returns
    how many attempts were made."""
    attempts = 0
    while True:
        fan_out()
        claimed = claim(batch_size)
        for delivery in claimed:
            now = timezone.now()
            record(delivery, send(delivery, now), now)
        attempts += len(claimed)
        if not claimed:
            if once:
                return attempts
            time.sleep(poll_seconds)


def send_again(deliveries) -> int:
    """The admin's "send again": pending now, with a new day of retries."""
    now = timezone.now()
    return deliveries.update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, give_up_at=now + RETRY_FOR, leased_until=None
    )
