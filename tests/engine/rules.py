"""The engine's rule tables run without HTTP: a stored contact (``BASE``), a change, and
what must hold afterwards: the stored state (read back from the rows, not from the engine)
and the history entry (the fields it names), or the problems and nothing changed."""

from dataclasses import dataclass, field
from typing import Any

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet, UpdateMode
from paths.models import PathKind
from tests import factories
from tests.engine.builders import apply

FRAME = {"name": "night", "days": [1, 7], "from_hour": 22, "from_min": 0, "to_hour": 7, "to_min": 0}
#: The stored contact every rule starts from (created with FULL).
BASE: dict[str, Any] = {
    "external_id": "001",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "company_name": "Analytical",
    "create_notifications": True,
    "timezone_id": "Europe/London",
    "record_type_name": "Employee",
    "group_names": ["group1"],
    "tags": ["t1", "t2"],
    "addresses": [{"location_name": "Home", "city": "London"}],
    "paths": [{"prompt": "pager", "value": "p1", "quiet_time_frames": [FRAME]}],
    "attributes": [{"name": "colour", "values": ["red"]}, {"name": "size", "values": ["M"]}],
}


def make_definitions(org) -> None:
    """What BASE and the tables name: groups, topics, paths and attributes of ``org``."""
    for name in ("group1", "group2", "group3"):
        factories.make_group(org, name)
    factories.make_topic(org, "topic1")
    factories.make_path(org, "pager", PathKind.OTHER)
    factories.make_path(org, "desk", PathKind.OTHER)
    factories.make_attribute(org, "colour", data_type=DataType.STRING, display_format=DisplayFormat.FREE_TEXT)
    factories.make_attribute(org, "size", display_format=DisplayFormat.SINGLE_CHOICE, defined_values=["S", "M", "L"])


@dataclass(frozen=True)
class Rule:
    """One row of a table. ``expect`` names the fields of ``view`` that must hold after the
    change; ``history`` the fields the new history entry names (None: no entry, no version
    bump); ``problems`` the locations refused (then nothing may change)."""

    name: str
    change: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)
    history: set[str] | None = None
    problems: set[tuple] = field(default_factory=set)
    operations: tuple = ()

    def __str__(self) -> str:
        return self.name


def view(contact_id: int) -> dict[str, Any]:
    """The stored contact, read from its rows in a form tables can state."""
    contact = Contact.objects.select_related("record_type").get(pk=contact_id)
    return {
        "version": contact.version,
        **{name: getattr(contact, name) for name in ("first_name", "last_name", "email", "company_name")},
        "timezone_id": contact.timezone_id,
        "create_notifications": contact.create_notifications,
        "external_id": contact.external_id,
        "record_type": contact.record_type.name,
        "groups": sorted(contact.groups.values_list("name", flat=True)),
        "topics": sorted(contact.topics.values_list("name", flat=True)),
        "tags": [link.tag.name for link in contact.tag_links.order_by("position")],
        "addresses": [(a.location_name, a.city) for a in contact.addresses.order_by("position")],
        "paths": [
            (path.definition.prompt, path.value, [frame.name for frame in path.quiet_time_frames.order_by("position")])
            for path in contact.paths.order_by("position")
        ],
        "attributes": [
            (value.definition.name, value.values) for value in contact.attribute_values.order_by("position")
        ],
    }


def run(org, rule: Rule, mode: UpdateMode) -> None:
    """Seed BASE, apply the rule's change in ``mode`` and check what it states."""
    [seeded] = apply(org, [ChangeSet(values=BASE)])
    assert seeded.ok, seeded.problems
    contact_id = seeded.contact_id
    before = view(contact_id)
    change = ChangeSet(values=rule.change, contact_id=contact_id, operations=rule.operations)

    [result] = apply(org, [change], mode=mode)

    after = view(contact_id)
    entries = list(ContactChange.objects.filter(contact_id=contact_id).order_by("-id"))
    if rule.problems:
        assert {problem.location for problem in result.problems} == rule.problems
        assert after == before and len(entries) == 1
        return
    assert result.ok, result.problems
    assert {name: after[name] for name in rule.expect} == rule.expect
    if rule.history is None:
        assert result.status == "unchanged" and after == before and len(entries) == 1
    else:
        assert result.status == "updated" and after["version"] == before["version"] + 1
        assert set(entries[0].changes) == rule.history
