"""History rows (ContactChange), written in the same transaction as the change itself.

They are also the change events (DESIGN §11), and a feed reader follows them by id. So ids
must grow in commit order within an organization: a change that commits after one with a
higher id would be skipped by a reader already past it. Each writing transaction therefore
takes its organization's history lock before it draws ids and keeps it until it commits
(a PostgreSQL transaction-level advisory lock; SQLite runs one writer at a time anyway).
Only the last step of a write waits: the statement that writes the history takes the lock
first, then draws the ids.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from contacts.foundations.chain import AFTER, Part
from contacts.foundations.sql import insert_rows
from contacts.models import Channel, ContactChange, Mode, Organization
from contacts.services.types import Actor

#: First key of the organization history locks (the second is the organization id); the
#: two-key advisory lock space does not overlap the one-key space other locks use.
HISTORY_LOCK = 0x43484E47  # "CHNG"


@dataclass(frozen=True, slots=True)
class Entry:
    """One applied change of one contact, as its history row records it."""

    contact_id: int
    mode: Mode
    version: int
    uid: str
    external_id: str
    changes: dict
    source_id: int | None = None


def record_changes(
    *,
    organization: Organization,
    entries: Iterable[Entry],
    actor: Actor,
    channel: Channel,
    at: datetime,
) -> None:
    """One row per entry, in a single insert that takes the history lock (held until the
    transaction ends) before it draws the rows' ids."""
    lock = None
    if connection.vendor == "postgresql":
        lock_sql = f"SELECT pg_advisory_xact_lock(%s, %s) WHERE {AFTER}"
        lock = Part(lock_sql, [HISTORY_LOCK, organization.pk], modifies=False)
    insert_rows(
        ContactChange,
        [
            {
                "contact_id": entry.contact_id,
                "contact_id_value": entry.contact_id,
                "contact_uid": entry.uid,
                "contact_external_id": entry.external_id,
                "version": entry.version,
                "idempotency_key": actor.idempotency_key,
                "organization_id": organization.pk,
                "at": at,
                "actor": actor.label,
                "api_key_id": actor.api_key_id,
                "user_id": actor.user_id,
                "channel": channel,
                "mode": entry.mode,
                "source_id": entry.source_id,
                "changes": entry.changes,
            }
            for entry in entries
        ],
        first=lock,
    )


def detach_history(organization: Organization, contact_ids: list[int]) -> None:
    """History outlives its contact (DESIGN §9): the link is nulled, the id, uid and external
    id stay on each row."""
    ContactChange.objects.filter(organization=organization, contact_id__in=contact_ids).update(contact=None)
