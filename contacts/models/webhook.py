"""Webhook subscriptions and their deliveries (DESIGN §11). Deliveries are made from the
history (the outbox) by ``manage.py deliver_webhooks``; nothing else writes them."""

from django.db import models

from contacts.models.history import ContactChange
from contacts.models.organization import Organization


class WebhookSubscription(models.Model):
    """Where to send which change events of an organization, signed with its own secret."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    types = models.JSONField(default=list, blank=True, help_text="Event types to send; empty: all.")
    fields = models.JSONField(
        default=list, blank=True, help_text="Native field names; when set, only changes naming one of them."
    )
    exclude_actors = models.JSONField(
        default=list, blank=True, help_text="Actors whose own changes are not sent back (echo suppression)."
    )
    active = models.BooleanField(default=True)
    secret_encrypted = models.TextField(editable=False)
    #: The last history row already turned into deliveries (or passed over).
    last_change_id = models.BigIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One change event for one subscription, until it is delivered or given up."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    change = models.ForeignKey(ContactChange, on_delete=models.CASCADE, related_name="deliveries")
    contact_id_value = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    #: Retried until then (24 hours; "send again" in the admin starts a new day), then failed.
    give_up_at = models.DateTimeField()
    #: A worker that claimed the delivery holds it until then; after that (a crashed worker)
    #: another one takes it again.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "change"], name="delivery_unique_per_change"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["subscription", "contact_id_value", "change"], name="delivery_order_idx"),
        ]

    def __str__(self) -> str:
        return f"change {self.change_id} to {self.subscription_id} ({self.status})"
