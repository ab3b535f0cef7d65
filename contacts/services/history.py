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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from contacts.foundations.chain import AFTER, Part
from contacts.foundations.sql import insert_rows, owned_by, table
from contacts.models import Channel, ContactChange, Mode, Organization
from contacts.services.types import Actor

#: First key of the organization history locks (the second is the organization id); the
#: two-key advisory lock space does not overlap the one-key space other locks use. Writers
#: take it shared, readers exclusively.
HISTORY_LOCK = 0x43484E47  # "CHNG"

#: A reader's statement: the history locks of the organizations in the array, exclusively,
#: one after another in the array's order.
READERS_LOCK = "SELECT pg_advisory_xact_lock(%s, organization_id) FROM unnest(%s::integer[]) AS organization_id"


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


def settled_change_ids(read_up_to: Mapping[int, int]) -> dict[int, int]:
    """For each organization (``{organization id: the id a reader has read up to}``), the
    newest history id up to which every change has committed: the reader serves the ids
    after its own up to that one, and its next read goes on from there.

    An organization with no change visible after the reader's id is answered with that id,
    without the lock: there is nothing to serve yet, and what is still committing is read
    the next time (an idle long poll or webhook worker holds no writer back). For the
    others, on PostgreSQL, the history locks are taken exclusively in one statement, in
    organization id order (so two readers cannot deadlock), in a transaction of its own:
    called inside another one, the locks, and the organizations' writers, are held until
    that one ends. The ids are then read again by the next statement, whose snapshot sees
    the changes the locks waited for."""
    newest = _newest_change_ids(sorted(read_up_to))
    busy = [pk for pk, newest_id in newest.items() if newest_id > read_up_to[pk]]
    settled = {pk: read_up_to[pk] for pk in newest if pk not in busy}
    if busy:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(READERS_LOCK, [HISTORY_LOCK, busy])
            settled.update(_newest_change_ids(busy))
    return settled


def _newest_change_ids(organization_ids: list[int]) -> dict[int, int]:
    """The newest history id of each organization that the statement sees (0 for none): one
    index lookup each, where a GROUP BY would read all of an organization's history."""
    if not organization_ids:
        return {}
    newest = f"SELECT %s, (SELECT max(id) FROM {table(ContactChange)} WHERE organization_id = %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join([newest] * len(organization_ids)),
            [value for pk in organization_ids for value in (pk, pk)],
        )
        return {pk: newest_id or 0 for pk, newest_id in cursor.fetchall()}


def detach_history(organization: Organization, contact_ids: list[int]) -> None:
    """History outlives its contact (DESIGN §9): the link is nulled, the id, uid and external
    id stay on each row."""
    ContactChange.objects.filter(owned_by(organization.pk), contact_id__in=contact_ids).update(contact=None)
