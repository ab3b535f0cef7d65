"""Models of the contacts app, one module per concept."""

from contacts.models.apikey import ApiKey, Scope, WsseNonce
from contacts.models.contact import Address, Contact, ContactTag
from contacts.models.history import Channel, ContactChange, Mode
from contacts.models.idempotency import IdempotencyRecord
from contacts.models.organization import Membership, Organization
from contacts.models.reference import Group, RecordType, Source, Tag, Topic

__all__ = [
    "Address",
    "ApiKey",
    "Channel",
    "Contact",
    "ContactChange",
    "ContactTag",
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
    "WsseNonce",
]
