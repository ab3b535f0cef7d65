"""Name-to-id resolution for a whole request or batch: one query for every kind (DESIGN §4),
and none of its own when the statement that loads the batch's contacts carries it.

Names resolve within the organization only; when an element carries both an id and a name
the id wins; every unknown id or name is reported at its location.
"""

from collections.abc import Iterable, Mapping, Sequence

from contacts.foundations.lookup import Lookup, Named, find_all
from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.ids import parse_id
from contacts.models import Group, Organization, RecordType, Source, Tag, Topic
from contacts.services.kinds import NESTED_KINDS
from contacts.services.ops import referenced_values, state_document
from contacts.services.state import StoredContact
from contacts.services.types import ChangeSet, References


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def _ids(values: Iterable[object]) -> set[int]:
    return {parsed for value in values if (parsed := parse_id(value)) is not None}


def _names(values: Iterable[object]) -> set[str]:
    return {value for value in values if isinstance(value, str)}


def reference_lookups(items: Sequence[ChangeSet], stored: Mapping[int, StoredContact] | None = None) -> list[Lookup]:
    """What the items refer to, as one lookup per kind. OPS items also refer to what their
    stored contact holds (``stored``); the others' lookups need no stored state, so they
    can be found in the statement that loads it (``contacts.services.engine``)."""
    stored = stored or {}
    values = [_with_operation_references(item, stored.get(item.contact_id)) for item in items]
    # The default record type is only needed when an item creates a contact.
    creates = {"is_default": True} if any(item.contact_id is None for item in items) else {}
    return [
        Lookup(
            RecordType,
            _ids(v.get("record_type_id") for v in values),
            _names(v.get("record_type_name") for v in values),
            also=creates,
        ),
        Lookup(
            Group,
            _ids(g for v in values for g in _as_list(v.get("groups"))),
            _names(g for v in values for g in _as_list(v.get("group_names"))),
        ),
        Lookup(Topic, _ids(t for v in values for t in _as_list(v.get("topics"))), set()),
        Lookup(Source, _ids(v.get("source_id") for v in values), set()),
        # Tags are free labels: those not found yet are created when written (ensure_tags).
        Lookup(Tag, set(), _names(t for v in values for t in _as_list(v.get("tags")))),
        *(
            kind.lookup(i for v in values for key in (kind.field, *kind.merge_keys) for i in _as_list(v.get(key)))
            for kind in NESTED_KINDS
        ),
    ]


def resolve_references(
    *, organization: Organization, lookups: Sequence[Lookup], rows: Sequence[Sequence[object]] | None = None
) -> References:
    """Everything ``reference_lookups`` asks for, in one query whatever the items' count and
    kinds; none when ``rows`` holds its answer already (``find_all``)."""
    record_types, groups, topics, sources, tags, *nested = find_all(organization, lookups, rows=rows)
    return References(
        record_types=record_types,
        default_record_type=next((row for row in record_types.by_id.values() if row.is_default), None),
        groups=groups,
        topics=topics,
        sources=sources,
        tags=tags,
        nested={kind.field: named for kind, named in zip(NESTED_KINDS, nested, strict=True)},
    )


def _with_operation_references(item: ChangeSet, stored: StoredContact | None) -> Mapping:
    """The item's values, plus for OPS the stored contact's references and the names and
    ids the operations mention."""
    if not item.operations:
        return item.values
    merged = state_document(stored.state) if stored is not None else dict(item.values)
    for key, found in referenced_values(item.operations).items():
        merged[key] = [*_as_list(merged.get(key)), *found]
    return merged


def resolve_many(named: Named, raw: object, *, by: str, at: Location, label: str) -> tuple[set[int], list[Problem]]:
    """A list of ids (``by="id"``) or names (``by="name"``) → the set of row ids."""
    if not isinstance(raw, list):
        return set(), [Problem(at, ProblemCode.INVALID, f"Must be a list of {label} {by}s.")]
    found, problems = set(), []
    for index, value in enumerate(raw):
        if by == "id":
            row = named.by_id.get(parse_id(value))
        else:
            row = named.by_name.get(value) if isinstance(value, str) else None
        if row is None:
            problems.append(Problem((*at, index), ProblemCode.UNKNOWN, f"Unknown {label} {by} {value!r}."))
        else:
            found.add(row.pk)
    return found, problems


def ensure_tags(*, organization: Organization, names: set[str], known: Mapping[str, int]) -> dict[str, int]:
    """Ids of the tags named, creating the missing ones (tags are free labels; DESIGN §5.1).
    ``known``: tag ids by name already found; only the others are looked up again."""
    ids = {name: known[name] for name in names if name in known}
    missing = names - ids.keys()
    if not missing:
        return ids
    ids.update(Tag.objects.filter(organization=organization, name__in=missing).values_list("name", "id"))
    missing = names - ids.keys()
    if missing:
        Tag.objects.bulk_create([Tag(organization=organization, name=name) for name in missing], ignore_conflicts=True)
        ids.update(Tag.objects.filter(organization=organization, name__in=missing).values_list("name", "id"))
    return ids
