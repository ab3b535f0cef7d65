"""History rows (ContactChange), written in the same transaction as the change itself.

They are also the change events (DESIGN §11), and a reader (the feed, the webhook fan-out)
follows them by id, so it must never pass an id that is still to commit: a change that
committed later with a lower id would be skipped. The organization's history lock (a
PostgreSQL transaction-level advisory lock; SQLite runs one writer at a time anyway) keeps
that promise without making writers wait for each other:

* a writer takes it *shared*, in the statement that writes its history, before it draws the
  rows' ids, and keeps it until it commits: every drawn id that has not yet committed belongs
  to a holder of the lock;
* a reader takes it *exclusively* for a moment (``settled_change_ids``): that waits for the
  writers holding it to commit, and the newest id it then sees is settled, since every id
  drawn afterwards is higher. Readers serve changes up to that id.

Writers of one organization commit side by side; only a reader waits, and the writers that
come while it waits queue behind it (for as long as the writers already holding the lock
take to commit). A contact's changes keep their version order: a writer locks its contacts
before anything else, so a change of a contact already being changed draws its ids after the
earlier change has committed. For the same reason, a change written after another committed
always has the higher id.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from contacts.foundations.chain import AFTER, Part
from contacts.foundations.sql import insert_rows
from contacts.models import Channel, ContactChange, Mode, Organization
from contacts.services.types import Actor

#: First key of the organization history locks (the second is the organization id); the
#: two-key advisory lock space does not overlap the one-key space other locks use. Writers
#: take it shared, readers exclusively.
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
    """One row per entry, in a single insert that takes the history lock shared (held until
    the transaction ends) before it draws the rows' ids."""
    lock = None
    if connection.vendor == "postgresql":
        lock_sql = f"SELECT pg_advisory_xact_lock_shared(%s, %s) WHERE {AFTER}"
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


def settled_change_ids(organization_ids: Iterable[int]) -> dict[int, int]:
    """The newest history id of each organization (0 when it has none) up to which every
    change has committed: a reader serves ids up to it and later reads on from it.

    On PostgreSQL each organization's history lock is taken exclusively, in one statement
    and in organization id order (so two readers cannot deadlock), in a transaction
    of its own: called inside another one, the locks are kept, and the organizations'
    writers kept waiting, until that one ends. The ids are read by the next statement,
    whose snapshot sees the changes the lock waited for."""
    wanted = sorted(set(organization_ids))
    if not wanted:
        return {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, organization_id) FROM unnest(%s::integer[]) AS organization_id",
                [HISTORY_LOCK, wanted],
            )
        # One index lookup per organization (a GROUP BY would read all of its history).
        newest = f'SELECT %s, (SELECT max(id) FROM "{ContactChange._meta.db_table}" WHERE organization_id = %s)'
        cursor.execute(" UNION ALL ".join([newest] * len(wanted)), [value for pk in wanted for value in (pk, pk)])
        settled = dict(cursor.fetchall())
    return {organization_id: settled[organization_id] or 0 for organization_id in wanted}


def detach_history(organization: Organization, contact_ids: list[int]) -> None:
    """History outlives its contact (DESIGN §9): the link is nulled, the id, uid and external
    id stay on each row."""
    ContactChange.objects.filter(organization=organization, contact_id__in=contact_ids).update(contact=None)
