"""Models of the contacts app, one module per concept."""

from contacts.models.apikey import ApiKey, Scope, WsseNonce
from contacts.models.contact import EMAIL_KEY, Address, Contact, ContactTag
from contacts.models.history import Channel, ContactChange, Mode
from contacts.models.idempotency import IdempotencyRecord
from contacts.models.organization import Membership, Organization
from contacts.models.reference import Group, RecordType, Source, Tag, Topic
from contacts.models.webhook import DeliveryStatus, WebhookDelivery, WebhookSubscription

__all__ = [
    "EMAIL_KEY",
    "Address",
    "ApiKey",
    "Channel",
    "Contact",
    "ContactChange",
    "ContactTag",
    "DeliveryStatus",
    "Group",
    "IdempotencyRecord",
    "Membership",
    "Mode",
    "Organization",
    "RecordType",
    "Scope",
    "Source",
    "Tag",
    "Topic",
    "WebhookDelivery",
    "WebhookSubscription",
    "WsseNonce",
]
