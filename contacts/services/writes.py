"""Set-based writes of planned changes: each kind of row is inserted, updated or deleted
with one statement for the whole batch (DESIGN §4: the query count never grows with the
batch; §9: only the columns that change)."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from contacts.foundations.sql import delete_rows, insert_rows, update_rows
from contacts.models import Contact, ContactTag, Organization
from contacts.services.kinds import NESTED_KINDS
from contacts.services.planning import Plan
from contacts.services.resolution import ensure_tags
from contacts.services.validation import SCALARS

GroupRow = Contact.groups.through
TopicRow = Contact.topics.through


def create_contacts(*, organization: Organization, plans: Sequence[Plan], now: datetime) -> dict[int, Contact]:
    """Insert the new contacts' rows; returns ``{plan index: contact}``."""
    rows = [
        Contact(
            organization=organization,
            record_type_id=plan.state.record_type_id,
            created_at=now,
            updated_at=now,
            created_source_id=plan.source_id,
            modified_source_id=plan.source_id,
            **plan.state.scalars,
        )
        for plan in plans
    ]
    Contact.objects.bulk_create(rows)
    return {plan.index: row for plan, row in zip(plans, rows, strict=True)}


def update_contacts(*, organization: Organization, plans: Sequence[Plan], now: datetime) -> None:
    """One bulk UPDATE of the changed contacts, limited to the union of changed columns."""
    columns = {"version", "updated_at"}
    for plan in plans:
        columns.update(name for name in plan.changed if name in SCALARS or name == "record_type_id")
        if plan.source_id is not None:
            columns.add("modified_source_id")
    rows = []
    for plan in plans:
        contact = plan.stored.contact
        # Every row carries every column of the statement: its new value or its stored one.
        row = {name: getattr(contact, name) for name in columns}
        row.update({name: plan.state.scalars[name] for name in plan.changed if name in SCALARS})
        row.update(id=contact.pk, record_type_id=plan.state.record_type_id, version=contact.version + 1, updated_at=now)
        if plan.source_id is not None:
            row["modified_source_id"] = plan.source_id
        rows.append(row)
    if rows:
        update_rows(Contact, rows, sorted(columns), organization_id=organization.pk)


def ensure_wanted_tags(
    *, organization: Organization, plans: Sequence[Plan], known: Mapping[str, int]
) -> dict[str, int]:
    """Ids of every tag the plans link, the missing ones created, before the plans' writes
    (``known``: tag ids by name already found)."""
    wanted_names = {name for plan in plans if "tags" in plan.changed for name in plan.state.tags}
    return ensure_tags(organization=organization, names=wanted_names, known=known)


def write_children(*, plans: Sequence[Plan], contact_ids: dict[int, int], tag_ids: dict[str, int]) -> None:
    """Groups, topics, tags and every nested kind of the planned contacts, each kind in a
    fixed number of statements for the whole batch. ``tag_ids``: ``ensure_wanted_tags``."""
    write_links(plans=plans, contact_ids=contact_ids, tag_ids=tag_ids)
    for kind in NESTED_KINDS:
        changes = {
            contact_ids[plan.index]: (
                plan.stored.nested_rows[kind.field] if plan.stored else [],
                plan.state.nested[kind.field],
            )
            for plan in plans
            if kind.field in plan.changed
        }
        if changes:
            kind.write(changes)


def write_links(*, plans: Sequence[Plan], contact_ids: dict[int, int], tag_ids: dict[str, int]) -> None:
    """Group, topic and tag links: stale ones deleted, new ones inserted."""
    group_rows, stale_groups, topic_rows, stale_topics, stale_tags, wanted_tags = [], [], [], [], [], {}
    for plan in plans:
        contact_id = contact_ids[plan.index]
        stored = plan.stored
        changed = set(plan.changed)
        if "groups" in changed:
            old_rows = stored.group_rows if stored else {}
            # Only a change stating the complete membership removes groups (planning decides).
            stale_groups.extend(row for group, row in old_rows.items() if group not in plan.state.groups)
            group_rows.extend({"contact_id": contact_id, "group_id": g} for g in plan.state.groups if g not in old_rows)
        if "topics" in changed:
            old_rows = stored.topic_rows if stored else {}
            stale_topics.extend(row for topic, row in old_rows.items() if topic not in plan.state.topics)
            topic_rows.extend({"contact_id": contact_id, "topic_id": t} for t in plan.state.topics if t not in old_rows)
        if "tags" in changed:
            # The list is rewritten whole so that its order is the client's.
            stale_tags.extend(stored.tag_rows.values() if stored else ())
            wanted_tags[contact_id] = plan.state.tags
    delete_rows(GroupRow, stale_groups)
    if group_rows:
        insert_rows(GroupRow, group_rows, ignore_conflicts=True)
    delete_rows(TopicRow, stale_topics)
    if topic_rows:
        insert_rows(TopicRow, topic_rows)
    delete_rows(ContactTag, stale_tags)
    if any(wanted_tags.values()):
        insert_rows(
            ContactTag,
            [
                {"contact_id": contact_id, "tag_id": tag_ids[name], "position": position}
                for contact_id, names in wanted_tags.items()
                for position, name in enumerate(names)
            ],
        )
