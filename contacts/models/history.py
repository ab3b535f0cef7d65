"""The audit trail: one ContactChange row per applied change, written by the update engine
in the same transaction as the change itself."""

from django.conf import settings
from django.db import models

from contacts.models.apikey import ApiKey
from contacts.models.contact import Contact
from contacts.models.organization import Organization
from contacts.models.reference import Source


class Channel(models.TextChoices):
    NATIVE = "native"
    KEYED = "keyed"
    EXTERNAL = "external"
    LEGACY = "legacy"
    XMLRPC = "xmlrpc"
    ADMIN = "admin"
    IMPORT = "import"


class Mode(models.TextChoices):
    CREATE = "create"
    FULL = "full"
    PARTIAL = "partial"
    OPS = "ops"
    DELETE = "delete"


#: The change-event type of each history mode (DESIGN §11).
EVENT_TYPES = {
    "create": "contact.created",
    "full": "contact.updated",
    "partial": "contact.updated",
    "ops": "contact.updated",
    "delete": "contact.deleted",
}

#: The event types, sorted (choices for the API and the schema's one ``EventTypeEnum``).
EVENT_TYPE_CHOICES = sorted(set(EVENT_TYPES.values()))


class ContactChange(models.Model):
    """One applied change, and the change event it stands for (DESIGN §11: the history is
    the outbox). It names its contact by id, public id and external id as they were then,
    so an event about a deleted contact still says which one it was. Readers follow it by
    id up to the settled id (``contacts.services.history``)."""

    # History outlives the contact (DESIGN §9: delete): the link is nulled, the id is kept.
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    contact_id_value = models.BigIntegerField()
    contact_uid = models.CharField(max_length=16, blank=True, default="")
    contact_external_id = models.CharField(max_length=255, blank=True, default="")
    version = models.PositiveIntegerField(default=0, help_text="The contact's version after the change.")
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    # Not indexed alone: both indexes below lead with the organization.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_index=False)
    at = models.DateTimeField()
    actor = models.CharField(max_length=200, blank=True, default="")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "contact_id_value", "-at"], name="change_contact_at_idx"),
            models.Index(fields=["organization", "id"], name="change_feed_idx"),
        ]

    def __str__(self) -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M:%S")
        return f"{self.mode} of contact {self.contact_id_value} via {self.channel} at {when}"

    @property
    def event_type(self) -> str:
        return EVENT_TYPES[self.mode]

    @property
    def actor_name(self) -> str:
        """The actor as events name it: an API key's username, or ``user:<name>``."""
        return self.actor.removeprefix("api_key:")
