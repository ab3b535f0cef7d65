"""The update engine: the only code that writes contacts (DESIGN §2, §4).

Every dialect and the admin hand it ChangeSets. It runs one sequence for a batch of any
size (a single update is a batch of one): lock, resolve, validate and plan, check external
ids, write in bulk, record history — with a number of queries that does not grow with the
batch or with a contact's nested data.
"""

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.foundations.chain import one_statement, pipelined
from contacts.foundations.emails import is_email
from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.foundations.lookup import lookup_statement
from contacts.foundations.problems import Problem, ProblemCode
from contacts.foundations.sql import delete_rows, owned_by
from contacts.models import Channel, Contact, Mode, Organization
from contacts.services.history import Entry, detach_history, record_changes
from contacts.services.kinds import NESTED_KINDS
from contacts.services.parts import item_parts, planned_by_part, write_parts
from contacts.services.planning import Plan, plan_item
from contacts.services.resolution import reference_lookups, resolve_references
from contacts.services.state import StoredContact, delete_links, describe_changes, lock_and_load
from contacts.services.types import (
    Actor,
    BatchTooLarge,
    ChangeSet,
    ItemResult,
    ItemStatus,
    References,
    UpdateMode,
    UpdateRejected,
)
from contacts.services.writes import create_contacts, ensure_wanted_tags, update_contacts, write_children
from paths.services import check_ahead

BATCH_LIMIT = 1000


def apply_updates(
    *,
    organization: Organization,
    items: Sequence[ChangeSet],
    mode: UpdateMode,
    actor: Actor,
    channel: Channel,
    dry_run: bool = False,
    all_or_none: bool = False,
) -> list[ItemResult]:
    """Apply a batch of changes; one result per item, in order.

    Items are independent: an invalid item (``status=error`` with every problem found)
    changes nothing, while the valid ones are committed; with ``all_or_none`` one invalid
    item keeps every other from being committed (``status=notApplied``). ``contact_id=None``
    creates.
    ``dry_run``: the whole sequence runs and is rolled back, so the results say what the
    real call would do and nothing is kept. Raises BatchTooLarge (nothing written) beyond
    BATCH_LIMIT items.
    """
    if len(items) > BATCH_LIMIT:
        raise BatchTooLarge(len(items), BATCH_LIMIT)
    with _cycle_collector_paused():
        # The batch's working objects (stored states, plans) are freed as _apply returns,
        # before the collector runs again: it then has only the results to look at.
        return _apply(
            organization, items, mode=mode, actor=actor, channel=channel, dry_run=dry_run, all_or_none=all_or_none
        )


def _apply(
    organization: Organization,
    items: Sequence[ChangeSet],
    *,
    mode: UpdateMode,
    actor: Actor,
    channel: Channel,
    dry_run: bool,
    all_or_none: bool,
) -> list[ItemResult]:
    # Within a caller's transaction (an idempotent request, a dry run's), a savepoint is only
    # needed to undo the engine's own work; an exception unwinds the caller's transaction too.
    with transaction.atomic(savepoint=dry_run or all_or_none):
        # What the items name is found by the statement that loads their contacts, unless
        # an OPS item names what its stored contact holds (then it is found after), or there
        # are no contacts to load.
        contact_ids = [item.contact_id for item in items if item.contact_id is not None]
        lookups = None if any(item.operations for item in items) else reference_lookups(items)
        stored, found = lock_and_load(
            organization=organization,
            contact_ids=contact_ids,
            meanwhile=(lambda: _check_ahead(items)) if len(items) > 1 else None,
            carrying=lookup_statement(organization, lookups) if lookups is not None and contact_ids else None,
        )
        if lookups is None:
            lookups = reference_lookups(items, stored)
        refs = resolve_references(organization=organization, lookups=lookups, rows=found)
        results: dict[int, ItemResult] = {}
        _plan_and_write(
            organization, items, stored=stored, refs=refs, results=results, mode=mode, actor=actor, channel=channel
        )
        failed = any(result.status == ItemStatus.ERROR for result in results.values())
        if dry_run or (all_or_none and failed):
            transaction.set_rollback(True)
    if all_or_none and failed:
        # DESIGN §10: one failing item and nothing is committed; the others say so.
        results = {
            index: result
            if result.status == ItemStatus.ERROR
            else ItemResult(index, ItemStatus.NOT_APPLIED, items[index].contact_id)
            for index, result in results.items()
        }
    return [results[index] for index in range(len(items))]


#: Values checked ahead per batch at most: the answers' caches keep 8,192 each, and what
#: they drop before planning reads it would be checked twice.
CHECK_AHEAD_LIMIT = 4096


def _check_ahead(items: Sequence[ChangeSet]) -> None:
    """While PostgreSQL locks and loads the batch's contacts: validate the email addresses
    and phone numbers the items send, the dearest checks that need no stored state (their
    answers are remembered, so planning finds them done). A single item's checks are left to
    planning: the pipeline that would run them meanwhile costs a round trip of its own
    (psycopg syncs as it leaves pipeline mode), more than they take."""
    checked = 0
    for item in items:
        email = item.values.get("email")
        if isinstance(email, str) and email.strip():
            is_email(email.strip())
        checked += 1 + check_ahead(item.values.get("paths"))
        if checked >= CHECK_AHEAD_LIMIT:
            return


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A batch allocates a few hundred thousand short-lived objects, which reference counting
    frees (the engine builds no cycles). Left running, the cycle collector would walk the
    whole heap several times per batch of 1,000, for about a third of the engine's time
    (DESIGN §8). It is paused for the call and then left as it was found (another thread's
    call may be holding it paused)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _plan_items(
    items: Sequence[ChangeSet],
    indices: range,
    *,
    mode: UpdateMode,
    stored: dict[int, StoredContact],
    refs: References,
    results: dict[int, ItemResult],
    seen: set[int],
) -> list[Plan]:
    """The plan of every valid item among ``indices``; each refused one gets its result with
    every problem. ``seen``: the contacts the batch's items planned so far name."""
    plans: list[Plan] = []
    for index in indices:
        item = items[index]
        if item.contact_id is not None and item.contact_id in seen:
            # Two changes of one contact in one batch would both be planned from the same
            # stored state; the first one stands, the repeat is refused.
            problem = Problem(("id",), ProblemCode.DUPLICATE, "This contact appears more than once in the batch.")
            results[index] = ItemResult(index, ItemStatus.ERROR, item.contact_id, (problem,))
            continue
        if item.contact_id is not None:
            seen.add(item.contact_id)
        planned = plan_item(index=index, item=item, mode=mode, stored=stored.get(item.contact_id), refs=refs)
        if isinstance(planned, Plan):
            plans.append(planned)
        else:
            results[index] = ItemResult(index, ItemStatus.ERROR, item.contact_id, tuple(planned))
    return plans


def apply_update(
    *,
    organization: Organization,
    item: ChangeSet,
    mode: UpdateMode,
    actor: Actor,
    channel: Channel,
    dry_run: bool = False,
) -> ItemResult:
    """Apply one change (or, with ``dry_run``, find out what it would do); raises
    UpdateRejected (nothing written) when it is refused."""
    [result] = apply_updates(
        organization=organization, items=[item], mode=mode, actor=actor, channel=channel, dry_run=dry_run
    )
    if not result.ok:
        raise UpdateRejected(result)
    return result


def _refuse_external_id_conflicts(
    organization: Organization, plans: list[Plan], items: Sequence[ChangeSet], results: dict[int, ItemResult]
) -> list[Plan]:
    """An external id is unique in the organization (DESIGN §4): one query for the batch."""
    claims = {
        plan.index: plan.state.scalars["external_id"]
        for plan in plans
        if plan.state.scalars["external_id"] and (plan.stored is None or "external_id" in plan.changed)
    }
    if not claims:
        return plans
    holders = contact_ids_by_external_id(organization, claims.values())
    kept, claimed = [], set()
    for plan in plans:
        external_id = claims.get(plan.index)
        own_id = plan.stored.contact.pk if plan.stored is not None else None
        holder = holders.get(external_id)
        if external_id is not None and ((holder is not None and holder != own_id) or external_id in claimed):
            problem = Problem(
                ("external_id",),
                ProblemCode.EXTERNAL_ID_TAKEN,
                f"Another contact already has the external id {external_id!r}.",
                {"existing_id": holder} if holder is not None else {},
            )
            results[plan.index] = ItemResult(plan.index, ItemStatus.ERROR, items[plan.index].contact_id, (problem,))
            continue
        if external_id is not None:
            claimed.add(external_id)
        kept.append(plan)
    return kept


def _plan_and_write(
    organization: Organization,
    items: Sequence[ChangeSet],
    *,
    stored: dict[int, StoredContact],
    refs: References,
    results: dict[int, ItemResult],
    mode: UpdateMode,
    actor: Actor,
    channel: Channel,
) -> None:
    """Plan the items and write the valid ones, all at one time of change, each part's tags
    found or created before its writes. A large batch is written in parts, each part's
    statement sent while Python builds the next, and planned part by part when it can be
    (``contacts/services/parts.py``)."""
    now = timezone.now()
    seen: set[int] = set()
    tag_ids = {name: tag.pk for name, tag in refs.tags.by_name.items()}

    def plan(indices: range) -> list[Plan]:
        plans = _plan_items(items, indices, mode=mode, stored=stored, refs=refs, results=results, seen=seen)
        return _refuse_external_id_conflicts(organization, plans, items, results)

    if planned_by_part(items, mode=mode, stored=stored):
        parts: Iterable[list[Plan]] = (plan(indices) for indices in item_parts(len(items)))
        in_parts = True
    else:
        parts = write_parts(plan(range(len(items))))
        in_parts = len(parts) > 1
    with pipelined() if in_parts else nullcontext():
        for part in parts:
            tag_ids |= ensure_wanted_tags(organization=organization, plans=part, known=tag_ids)
            with one_statement():
                _write_part(
                    organization,
                    part,
                    items,
                    results,
                    tag_ids=tag_ids,
                    mode=mode,
                    actor=actor,
                    channel=channel,
                    now=now,
                )


def _write_part(
    organization: Organization,
    plans: list[Plan],
    items: Sequence[ChangeSet],
    results: dict[int, ItemResult],
    *,
    tag_ids: dict[str, int],
    mode: UpdateMode,
    actor: Actor,
    channel: Channel,
    now: datetime,
) -> None:
    """Insert the new contacts (their ids are needed below), then every other write; within
    ``one_statement`` those that need no answer go to the database together."""
    new = [plan for plan in plans if plan.stored is None]
    changed = [plan for plan in plans if plan.stored is not None and plan.changed]
    for plan in plans:
        if plan.stored is not None and not plan.changed:
            results[plan.index] = ItemResult(plan.index, ItemStatus.UNCHANGED, plan.stored.contact.pk)
    contacts = {plan.index: plan.stored.contact for plan in changed}
    if new:
        contacts.update(create_contacts(organization=organization, plans=new, now=now))
    contact_ids = {index: contact.pk for index, contact in contacts.items()}
    write_children(plans=[*new, *changed], contact_ids=contact_ids, tag_ids=tag_ids)
    update_contacts(organization=organization, plans=changed, now=now)
    entries = []
    for plan in [*new, *changed]:
        contact_id = contact_ids[plan.index]
        created = plan.stored is None
        status = ItemStatus.CREATED if created else ItemStatus.UPDATED
        before = None if created else plan.stored.state
        changes = describe_changes(before, plan.state, plan.changed)
        results[plan.index] = ItemResult(plan.index, status, contact_id, changes=changes)
        contact = contacts[plan.index]
        entries.append(
            Entry(
                contact_id,
                Mode.CREATE if created else Mode(mode.value),
                version=1 if created else contact.version + 1,
                uid=contact.uid,
                external_id=plan.state.scalars["external_id"],
                changes=changes,
                source_id=plan.source_id,
            )
        )
    if entries:
        record_changes(organization=organization, entries=entries, actor=actor, channel=channel, at=now)


@contextmanager
def rolled_back() -> Iterator[None]:
    """A dry run: everything done inside (engine calls, and reading their effect) is undone
    at the end, so a caller can answer what a change would do without doing it (DESIGN §10)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@transaction.atomic
def delete_contact(*, organization: Organization, contact_id: int, actor: Actor, channel: Channel) -> bool:
    """Delete a contact, keeping its history (the link is nulled, the id kept; DESIGN §9).
    Returns False when the organization has no such contact."""
    contact = Contact.objects.select_for_update().filter(owned_by(organization.pk), pk=contact_id).first()
    if contact is None:
        return False
    record_changes(
        organization=organization,
        entries=[Entry(contact.pk, Mode.DELETE, contact.version, contact.uid, contact.external_id, {})],
        actor=actor,
        channel=channel,
        at=timezone.now(),
    )
    # Row by row in one statement per table, each scoped to the contact just locked, the
    # contact itself by its organization too (no ORM cascade: it would not name the tenant).
    for kind in NESTED_KINDS:
        kind.delete_all([contact.pk])
    delete_links([contact.pk])
    detach_history(organization, [contact.pk])
    delete_rows(Contact, [contact.pk], organization_id=organization.pk)
    return True
