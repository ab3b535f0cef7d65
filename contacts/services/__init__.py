"""The update engine: the only code that writes contacts and their nested data."""

from contacts.foundations.problems import Problem, ProblemCode
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.models.history import EVENT_TYPE_CHOICES, EVENT_TYPES, Channel
from contacts.services.engine import BATCH_LIMIT, apply_update, apply_updates, delete_contact, rolled_back
from contacts.services.history import settled_change_ids
from contacts.services.membership import MembershipResult, change_group_membership
from contacts.services.types import (
    Actor,
    BatchTooLarge,
    ChangeSet,
    ItemResult,
    ItemStatus,
    UpdateMode,
    UpdateRejected,
)
from contacts.services.validation import CHOICES

__all__ = [
    "BATCH_LIMIT",
    "CHOICES",
    "ENGAGEMENT_FIELDS",
    "EVENT_TYPES",
    "EVENT_TYPE_CHOICES",
    "Actor",
    "BatchTooLarge",
    "ChangeSet",
    "Channel",
    "ItemResult",
    "ItemStatus",
    "MembershipResult",
    "Problem",
    "ProblemCode",
    "UpdateMode",
    "UpdateRejected",
    "apply_update",
    "apply_updates",
    "change_group_membership",
    "delete_contact",
    "rolled_back",
    "settled_change_ids",
]
