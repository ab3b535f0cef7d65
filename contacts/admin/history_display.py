"""A contact's history on its admin page, as rows a person reads: when, channel, actor, and
one line per changed field, ``Label: before → after`` with human values.

History rows store ids (record type, groups, topics, path and attribute definitions); their
names are resolved for the whole page in one query per kind, never per row. Every value is
escaped: history holds client input.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from attributes.models import AttributeDefinition
from contacts.addresses import TEXT_KEYS
from contacts.models import Contact, ContactChange, Group, Organization, RecordType, Topic
from paths.admin_widgets import DAY_ABBREVIATIONS, format_time
from paths.models import PathDefinition

EMPTY = "—"
EN_DASH = "\u2013"
#: Labels of the fields that are not plain contact fields (or read better otherwise).
LABELS = {
    "record_type_id": "Record type",
    "groups": "Groups",
    "topics": "Topics",
    "tags": "Tags",
    "addresses": "Addresses",
    "paths": "Paths",
    "attributes": "Attributes",
    "custom_fields": "Custom fields",
}


@dataclass
class Names:
    """Names of the ids a page of history mentions, by kind (an id not found keeps ``#id``)."""

    record_types: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    attributes: dict[int, str] = field(default_factory=dict)

    def of(self, kind: str, value: object) -> str:
        return getattr(self, kind).get(value, f"#{value}")


#: Where each kind's ids sit in a field's before/after value, and the model that names them.
NAMED_KINDS: dict[str, tuple[str, type[Model], str, Callable[[object], Iterable[object]]]] = {
    "record_types": ("record_type_id", RecordType, "name", lambda value: [value]),
    "groups": ("groups", Group, "name", lambda value: value or []),
    "topics": ("topics", Topic, "name", lambda value: value or []),
    "paths": ("paths", PathDefinition, "prompt", lambda value: [item.get("path_id") for item in value or []]),
    "attributes": (
        "attributes",
        AttributeDefinition,
        "name",
        lambda value: [item.get("org_attr_id") for item in value or []],
    ),
}


class HasChanges(Protocol):
    """A history row, or anything else that carries history's ``{field: {before, after}}``
    (an import preview's row)."""

    changes: Mapping[str, Any]


def resolve_names(organization: Organization, changes: Sequence[HasChanges]) -> Names:
    """One query per kind that the page mentions (none for a kind it does not)."""
    names = Names()
    for kind, (field_name, model, name_field, ids_in) in NAMED_KINDS.items():
        wanted = {
            item
            for change in changes
            for side in ("before", "after")
            for item in ids_in((change.changes.get(field_name) or {}).get(side))
            if isinstance(item, int) and not isinstance(item, bool)
        }
        if wanted:
            rows = model._default_manager.filter(organization=organization, pk__in=wanted)
            setattr(names, kind, dict(rows.values_list("pk", name_field)))
    return names


def render_history(organization: Organization, changes: Sequence[ContactChange]) -> SafeString:
    """The history table of a contact's page (newest first, as ``changes`` come)."""
    names = resolve_names(organization, changes)
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                formats.localize(timezone.template_localtime(change.at)),
                f"{change.channel} ({change.mode})",
                change.actor or EMPTY,
                render_field_changes(change.changes, names),
            )
            for change in changes
        ),
    )
    return format_html(
        '<table class="contact-history"><thead><tr><th scope="col">When</th><th scope="col">Channel</th>'
        '<th scope="col">Actor</th><th scope="col">Changes</th></tr></thead><tbody>{}</tbody></table>',
        rows,
    )


def render_field_changes(changes: Mapping[str, Any], names: Names) -> SafeString | str:
    """One line per field: ``Label: before → after``."""
    if not changes:
        return EMPTY
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} → {}",
        (
            (
                field_label(name),
                describe_value(name, change.get("before"), names),
                describe_value(name, change.get("after"), names),
            )
            for name, change in changes.items()
            if isinstance(change, Mapping)
        ),
    )


def field_label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    try:
        return capfirst(Contact._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def describe_value(name: str, value: object, names: Names) -> str:
    """A stored before/after value as a person reads it; nothing is shown as "—"."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    describe = DESCRIBERS.get(name)
    if describe is not None:
        return describe(value, names) or EMPTY
    return plain(value)


def plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(plain(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def describe_path(item: Mapping[str, Any], names: Names) -> str:
    """``phone: +4930… [DE] (quiet: night Sun, Sat 22:00-07:00)`` (an en dash between the times)."""
    text = f"{names.of('paths', item.get('path_id'))}: {item.get('value') or EMPTY}"
    if item.get("country_code"):
        text += f" [{item['country_code']}]"
    if item.get("skip_validation"):
        text += " (not validated)"
    frames = item.get("quiet_time_frames") or []
    if frames:
        text += f" (quiet: {'; '.join(describe_frame(frame) for frame in frames)})"
    return text


def describe_frame(frame: Mapping[str, Any]) -> str:
    days = ", ".join(DAY_ABBREVIATIONS.get(day, str(day)) for day in frame.get("days") or [])
    start = format_time(frame.get("from_hour"), frame.get("from_min"))
    end = format_time(frame.get("to_hour"), frame.get("to_min"))
    return " ".join(part for part in (frame.get("name") or "", days, f"{start}{EN_DASH}{end}") if part)


def describe_attribute(item: Mapping[str, Any], names: Names) -> str:
    return f"{names.of('attributes', item.get('org_attr_id'))}: {plain(item.get('values') or [])}"


def describe_address(item: Mapping[str, Any], names: Names) -> str:
    text = ", ".join(str(item[key]) for key in TEXT_KEYS if item.get(key))
    if item.get("latitude") is not None or item.get("longitude") is not None:
        text += f" ({item.get('latitude')}, {item.get('longitude')})"
    return text.strip() or EMPTY


def each(describe: Callable[[Mapping[str, Any], Names], str]) -> Callable[[object, Names], str]:
    """A describer of a list of nested items, one after another."""

    def describe_all(value: object, names: Names) -> str:
        items = value if isinstance(value, list) else [value]
        return "; ".join(describe(item, names) if isinstance(item, Mapping) else plain(item) for item in items)

    return describe_all


DESCRIBERS: dict[str, Callable[[Any, Names], str]] = {
    "record_type_id": lambda value, names: names.of("record_types", value),
    "groups": lambda value, names: ", ".join(names.of("groups", pk) for pk in value),
    "topics": lambda value, names: ", ".join(names.of("topics", pk) for pk in value),
    "paths": each(describe_path),
    "attributes": each(describe_attribute),
    "addresses": each(describe_address),
}
