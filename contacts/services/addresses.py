"""A contact's ordered postal addresses: validation, set-based reads and writes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from contacts.models import Address
from contacts.services.sql import fetch_by_ids, insert_rows, table, update_rows
from contacts.services.types import Location, Problem, ProblemCode, unknown_fields

TEXT_KEYS = ("location_name", "street_address", "suite", "city", "state", "postal_code", "country")
COORDINATES = {"latitude": 90.0, "longitude": 180.0}
ADDRESS_KEYS = frozenset(TEXT_KEYS) | COORDINATES.keys()
TEXT_MAX_LENGTH = 255


@dataclass(frozen=True)
class AddressState:
    location_name: str = ""
    street_address: str = ""
    suite: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StoredAddress:
    row_id: int
    state: AddressState


def clean_addresses(raw: object, at: Location = ("addresses",)) -> tuple[tuple[AddressState, ...], list[Problem]]:
    """Canonical address items (dicts of the keys above) → the new ordered address list."""
    if not isinstance(raw, list):
        return (), [Problem(at, ProblemCode.INVALID, "Addresses must be a list.")]
    addresses, problems = [], []
    for index, item in enumerate(raw):
        here = (*at, index)
        if not isinstance(item, dict):
            problems.append(Problem(here, ProblemCode.INVALID, "An address must be an object."))
            continue
        item_problems = unknown_fields(item, ADDRESS_KEYS, here, "address")
        values: dict[str, object] = {}
        for key in TEXT_KEYS:
            value = item.get(key)
            if value is None:
                value = ""
            if not isinstance(value, str) or len(value) > TEXT_MAX_LENGTH:
                item_problems.append(
                    Problem((*here, key), ProblemCode.INVALID, f"Must be text of at most {TEXT_MAX_LENGTH} characters.")
                )
            values[key] = value
        for key, bound in COORDINATES.items():
            value = item.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not -bound <= value <= bound
            ):
                item_problems.append(
                    Problem((*here, key), ProblemCode.OUT_OF_RANGE, f"Must be a number from {-bound:g} to {bound:g}.")
                )
                value = None
            values[key] = float(value) if value is not None else None
        problems.extend(item_problems)
        if not item_problems:
            addresses.append(AddressState(**values))
    return tuple(addresses), problems


def merge_first_address(
    current: tuple[AddressState, ...], raw: object, at: Location = ("first_address",)
) -> tuple[tuple[AddressState, ...], list[Problem]]:
    """Set some fields of the first address (creating it when there is none), keeping the
    others and the remaining addresses; ``None`` or ``""`` clears a field."""
    if not isinstance(raw, dict):
        return current, [Problem(at, ProblemCode.INVALID, "Must be an object of address fields.")]
    first = current[0].as_json() if current else AddressState().as_json()
    first.update({key: ("" if value is None and key in TEXT_KEYS else value) for key, value in raw.items()})
    [merged], problems = _clean_one(first, at)
    if problems:
        return current, problems
    rest = current[1:] if current else ()
    return ((merged, *rest) if merged != AddressState() or rest else ()), []


def _clean_one(item: dict, at: Location) -> tuple[list[AddressState], list[Problem]]:
    addresses, problems = clean_addresses([item], at=())
    return addresses or [None], [
        Problem((*at, *problem.location[1:]), problem.code, problem.message) for problem in problems
    ]


def load_addresses(contact_ids: Iterable[int]) -> dict[int, list[StoredAddress]]:
    """Stored addresses of many contacts, in order (one query)."""
    stored: dict[int, list[StoredAddress]] = defaultdict(list)
    columns = ", ".join(("id", "contact_id", *TEXT_KEYS, *COORDINATES))
    sql = f"SELECT {columns} FROM {table(Address)} WHERE contact_id IN ({{ids}}) ORDER BY contact_id, position, id"
    for row_id, contact_id, *fields in fetch_by_ids(sql, list(contact_ids)):
        stored[contact_id].append(StoredAddress(row_id, AddressState(*fields)))
    return stored


def write_addresses(changes: dict[int, tuple[list[StoredAddress], tuple[AddressState, ...]]]) -> None:
    """Apply new address lists position by position: rows that differ are updated, extra
    stored rows deleted, extra wanted rows inserted (three queries at most)."""
    removed, updated, created = [], [], []
    for contact_id, (stored, wanted) in changes.items():
        for position, state in enumerate(wanted):
            row = {"contact_id": contact_id, "position": position, **asdict(state)}
            if position >= len(stored):
                created.append(row)
            elif stored[position].state != state:
                updated.append({"id": stored[position].row_id, **row})
        removed.extend(address.row_id for address in stored[len(wanted) :])
    if removed:
        Address.objects.filter(pk__in=removed).delete()
    if updated:
        update_rows(Address, updated, ["position", *TEXT_KEYS, *COORDINATES])
    if created:
        insert_rows(Address, created)
