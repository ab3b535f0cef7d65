"""A large batch in parts (PostgreSQL, DESIGN §8): its writes go out as a few statements, each
sent without waiting for its result (``contacts.foundations.chain.pipelined``), so that the
database writes one part while Python builds the next instead of idling until the whole batch
is built; and when nothing in the batch needs the whole of it planned first, each part is also
planned only once the one before it is on its way.

Whatever its parts, a batch is one change: one transaction, one time of change, the same
results and rows as one statement would leave (tests/engine/test_write_parts.py). Their
number is fixed, so the statements of a batch still do not grow with its size.
"""

from collections.abc import Sequence

from django.db import connection

from contacts.services.planning import Plan
from contacts.services.state import StoredContact
from contacts.services.types import ChangeSet, UpdateMode
from contacts.services.validation import SCALARS, Invalid

#: From this many contacts to update on, their writes go out in WRITE_CHUNKS parts. Measured
#: on FULL updates, four parts against one statement: 0.87x the time at 100 contacts, 0.77x
#: to 0.89x from 200 to 1,000, no better in six or eight parts; below 100, within the noise.
#: Planning each part only after the one before it is sent: 0.90x again at 1,000 (0.79x of
#: one statement; medians of 8 interleaved runs).
CHUNKED_FROM = 100
WRITE_CHUNKS = 4


def planned_by_part(items: Sequence[ChangeSet], *, mode: UpdateMode, stored: dict[int, StoredContact]) -> bool:
    """Whether a batch can be planned a part at a time, each part's writes sent before the
    next is planned: a large one whose every item changes a stored contact with values (OPS
    values come out of planning) and claims no external id. A new contact's id is read back
    as it is written, and a claimed external id is checked against every other claim of the
    batch before anything is written: such a batch is planned whole, then written in parts."""
    if mode == UpdateMode.OPS or len(items) < CHUNKED_FROM or connection.vendor != "postgresql":
        return False
    for item in items:
        contact = stored.get(item.contact_id) if item.contact_id is not None else None
        if contact is None or _claims_external_id(item, contact):
            return False
    return True


def item_parts(count: int) -> list[range]:
    """``count`` indices in WRITE_CHUNKS parts of one size (the last may be shorter), in order."""
    size = -(-count // WRITE_CHUNKS)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def write_parts(plans: list[Plan]) -> list[list[Plan]]:
    """Plans made for the whole batch, in the order they are written: in WRITE_CHUNKS parts
    from CHUNKED_FROM contacts to update on (PostgreSQL), else one. New contacts are all
    written in the first part: theirs is not one statement (their ids are read back)."""
    updates = [plan for plan in plans if plan.stored is not None]
    if len(updates) < CHUNKED_FROM or connection.vendor != "postgresql":
        return [plans]
    parts = [updates[indices.start : indices.stop] for indices in item_parts(len(updates))]
    parts[0] = [plan for plan in plans if plan.stored is None] + parts[0]
    return parts


def _claims_external_id(item: ChangeSet, contact: StoredContact) -> bool:
    """Whether planning the item could give the contact another, non-empty external id: the
    value it sends, cleaned as planning cleans it, differs from the stored one."""
    if "external_id" not in item.values:
        return False  # kept, or cleared by FULL
    try:
        external_id = SCALARS["external_id"].clean(item.values["external_id"])
    except Invalid:
        return False  # refused in planning
    return bool(external_id) and external_id != contact.state.scalars["external_id"]
