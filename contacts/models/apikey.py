"""API credentials: a key belongs to one organization and carries scopes.

The key itself is shown once. We keep its SHA-256 (for lookup) and a Fernet-encrypted copy
(only to verify WSSE digests, which need the secret); never the plain text.
"""

from django.db import models

from contacts.models.organization import Organization


class Scope(models.TextChoices):
    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    SETTINGS_READ = "settings:read"
    SETTINGS_WRITE = "settings:write"


class ApiKey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True, default="")
    username = models.CharField(max_length=150, unique=True)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_encrypted = models.TextField(editable=False)
    scopes = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.username} ({self.key_prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class WsseNonce(models.Model):
    """A WSSE nonce already accepted for a key: a replay is refused. Rows older than the
    ``Created`` window are pruned, since such a request is refused by its age anyway."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=200)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "WSSE nonce"
        constraints = [models.UniqueConstraint(fields=["api_key", "nonce"], name="wssenonce_unique_per_key")]

    def __str__(self) -> str:
        return self.nonce
