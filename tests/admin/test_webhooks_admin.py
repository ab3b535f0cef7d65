"""Webhooks in the admin (DESIGN §11): adding a subscription shows its secret once and
starts it at the current history; "send again" makes a delivery due again."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import ContactChange, DeliveryStatus, WebhookDelivery, WebhookSubscription
from contacts.webhooks.delivery import fan_out
from tests.dialects.native.helpers import seed_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_adding_a_subscription_shows_its_secret_once_and_refuses_private_urls(admin_client_, org, settings):
    seed_contact(org, external_id="a", first_name="A", last_name="B", record_type_name="Employee")
    url = reverse("admin:contacts_webhooksubscription_add")
    form = {
        "organization": org.pk,
        "url": "http://10.1.2.3/hook",
        "types": "[]",
        "fields": "[]",
        "exclude_actors": "[]",
    }
    form["active"] = "on"

    refused = admin_client_.post(url, form)
    assert refused.status_code == 200 and "non-public address" in refused.content.decode()
    settings.WEBHOOK_ALLOW_PRIVATE = True
    added = admin_client_.post(url, form, follow=True)

    [message] = [str(m) for m in get_messages(added.wsgi_request) if "secret" in str(m)]
    subscription = WebhookSubscription.objects.get()
    assert "whsec_" in message and subscription.secret_encrypted not in message
    assert subscription.last_change_id == ContactChange.objects.get().pk  # sent what changes from now on
    assert (
        "whsec_"
        not in admin_client_.get(
            reverse("admin:contacts_webhooksubscription_change", args=[subscription.pk])
        ).content.decode()
    )


def test_send_again_makes_a_failed_delivery_due_with_a_new_day(admin_client_, org):
    WebhookSubscription.objects.create(organization=org, url="https://hooks.example.com/x", secret_encrypted="x")
    contact = seed_contact(org, external_id="a", first_name="A", last_name="B", record_type_name="Employee")
    fan_out()
    WebhookDelivery.objects.update(status=DeliveryStatus.FAILED, give_up_at=timezone.now() - timedelta(days=1))
    delivery = WebhookDelivery.objects.get()

    admin_client_.post(
        reverse("admin:contacts_webhookdelivery_changelist"),
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at <= timezone.now()
    assert delivery.give_up_at > timezone.now() + timedelta(hours=23)
    page = admin_client_.get(reverse("admin:contacts_webhookdelivery_changelist") + f"?q={contact}").content.decode()
    assert "pending" in page
