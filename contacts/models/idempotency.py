"""Answers kept for retried writes (DESIGN §10: ``Idempotency-Key``)."""

from django.db import models

from contacts.models.organization import Organization


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``, kept for 24 hours so
    that a retry gets it again instead of applying the change twice. It is written in the
    same transaction as the change, so a record exists exactly when the change committed.
    The key belongs to whoever sent it (an API key or a staff user) in one organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    owner = models.CharField(max_length=40, help_text="api_key:<id> or user:<id>")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path, query and body")
    status = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "owner", "key"], name="idempotency_unique_key"),
            models.CheckConstraint(condition=models.Q(status__gte=200, status__lt=500), name="idempotency_kept_status"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.key}"
