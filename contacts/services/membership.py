"""Group membership changes: the only way to take contacts out of a group besides an OPS
``remove`` (DESIGN §4, §9: FULL and PARTIAL only ever add groups)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.foundations.problems import Problem, ProblemCode
from contacts.foundations.sql import owned_by
from contacts.ids import parse_id
from contacts.models import Channel, Contact, Group, Mode, Organization
from contacts.services.history import Entry, record_changes
from contacts.services.types import Actor, ItemResult, ItemStatus, UpdateRejected

GroupRow = Contact.groups.through


@dataclass(frozen=True)
class MembershipResult:
    group_id: int
    changed: tuple[int, ...]
    unchanged: tuple[int, ...]


@transaction.atomic
def change_group_membership(
    *,
    organization: Organization,
    group_id: object = None,
    group_name: object = None,
    contact_ids: Sequence[object] = (),
    external_ids: Sequence[object] = (),
    add: bool,
    actor: Actor,
    channel: Channel,
) -> MembershipResult:
    """Add contacts to a group or remove them from it; all or nothing.

    The group is named by id (wins) or name; contacts by ids and/or external ids. Every
    unknown one is reported in one UpdateRejected. Each contact whose membership changes
    gets a version bump and a history row; the rest are left untouched.
    """
    problems: list[Problem] = []
    group = _find_group(organization, group_id, group_name, problems)
    contacts = _lock_contacts(organization, contact_ids, external_ids, problems)
    if problems:
        raise UpdateRejected(ItemResult(0, ItemStatus.ERROR, None, tuple(problems)))
    found_ids = {contact.pk for contact in contacts}
    members = set(
        GroupRow.objects.filter(group_id=group.pk, contact_id__in=found_ids).values_list("contact_id", flat=True)
    )
    changing = [contact for contact in contacts if (contact.pk in members) != add]
    if changing:
        _write_membership(organization, group, changing, add=add, actor=actor, channel=channel)
    changed = {contact.pk for contact in changing}
    return MembershipResult(
        group_id=group.pk,
        changed=tuple(sorted(changed)),
        unchanged=tuple(sorted(found_ids - changed)),
    )


def _lock_contacts(
    organization: Organization, contact_ids: Sequence[object], external_ids: Sequence[object], problems: list[Problem]
) -> list[Contact]:
    """The organization's contacts named by id or external id, locked in id order; every
    unknown one is reported at its place."""
    wanted_ids = {parse_id(value) for value in contact_ids} - {None}
    wanted_external = {value for value in external_ids if isinstance(value, str) and value}
    contacts = []
    named = wanted_ids | set(contact_ids_by_external_id(organization, wanted_external).values())
    if named:
        locked = Contact.objects.select_for_update().filter(owned_by(organization.pk), pk__in=named).order_by("pk")
        # Locked as they are now: one whose external id changed meanwhile is no longer named by it.
        contacts = [contact for contact in locked if contact.pk in wanted_ids or contact.external_id in wanted_external]
    found_ids = {contact.pk for contact in contacts}
    found_external = {contact.external_id for contact in contacts}
    for index, value in enumerate(contact_ids):
        if parse_id(value) not in found_ids:
            problems.append(Problem(("contact_ids", index), ProblemCode.UNKNOWN, f"Unknown contact id {value!r}."))
    for index, value in enumerate(external_ids):
        if not isinstance(value, str) or value not in found_external:
            problems.append(Problem(("external_ids", index), ProblemCode.UNKNOWN, f"Unknown external id {value!r}."))
    if not contact_ids and not external_ids:
        problems.append(
            Problem(("contact_ids",), ProblemCode.REQUIRED, "Name the contacts by contactIds or externalIds.")
        )
    return contacts


def _write_membership(
    organization: Organization, group: Group, changing: list[Contact], *, add: bool, actor: Actor, channel: Channel
) -> None:
    """Add or remove the links, bump each contact's version and record its history."""
    ids = [contact.pk for contact in changing]
    current = _groups_of(ids)
    if add:
        GroupRow.objects.bulk_create([GroupRow(contact_id=pk, group_id=group.pk) for pk in ids], ignore_conflicts=True)
    else:
        GroupRow.objects.filter(group_id=group.pk, contact_id__in=ids).delete()
    now = timezone.now()
    for contact in changing:
        contact.version += 1
        contact.updated_at = now
    # The contacts are locked: their versions in memory and in the table move together.
    Contact.objects.filter(owned_by(organization.pk), pk__in=ids).update(version=F("version") + 1, updated_at=now)
    entries = []
    for contact in changing:
        before = sorted(current.get(contact.pk, set()))
        after = sorted({*before, group.pk} if add else set(before) - {group.pk})
        groups = {"groups": {"before": before, "after": after}}
        entries.append(Entry(contact.pk, Mode.PARTIAL, contact.version, contact.uid, contact.external_id, groups))
    record_changes(organization=organization, entries=entries, actor=actor, channel=channel, at=now)


def _find_group(
    organization: Organization, group_id: object, group_name: object, problems: list[Problem]
) -> Group | None:
    if group_id not in (None, ""):
        group = (
            Group.objects.filter(organization=organization, pk=parse_id(group_id)).first()
            if parse_id(group_id)
            else None
        )
        if group is None:
            problems.append(Problem(("group_id",), ProblemCode.UNKNOWN, f"Unknown group id {group_id!r}."))
        return group
    if isinstance(group_name, str) and group_name:
        group = Group.objects.filter(organization=organization, name=group_name).first()
        if group is None:
            problems.append(Problem(("group_name",), ProblemCode.UNKNOWN, f"Unknown group name {group_name!r}."))
        return group
    problems.append(Problem(("group_id",), ProblemCode.REQUIRED, "Name the group by groupId or groupName."))
    return None


def _groups_of(contact_ids: list[int]) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = {}
    for contact_id, group_id in GroupRow.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "group_id"
    ):
        groups.setdefault(contact_id, set()).add(group_id)
    return groups
