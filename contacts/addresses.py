"""A contact's ordered postal addresses: the nested kind ``addresses``.

Addresses name no definitions; a stored address is matched to a wanted one by its place in
the list, so a changed list rewrites only the rows whose values differ.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from contacts.foundations.kinds import NestedKind
from contacts.foundations.lookup import Named
from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.models import Address

TEXT_KEYS = ("location_name", "street_address", "suite", "city", "state", "postal_code", "country")
COORDINATES = {"latitude": 90.0, "longitude": 180.0}
ADDRESS_FIELDS = (*TEXT_KEYS, *COORDINATES)
ADDRESS_KEYS = frozenset(ADDRESS_FIELDS)
TEXT_MAX_LENGTH = 255


@dataclass(frozen=True, slots=True)
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
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}


class Addresses(NestedKind[AddressState]):
    field = "addresses"
    label = "address"
    plural = "Addresses"
    keys = ADDRESS_KEYS
    model = Address
    columns = ADDRESS_FIELDS
    #: Dialects that address one field at a time (keyed, legacy) change the first address.
    merge_keys = ("first_address",)

    def clean_item(
        self, item: dict, *, at: Location, definition: object, current: tuple
    ) -> tuple[AddressState | None, list[Problem]]:
        values: dict[str, object] = {}
        problems = []
        for key in TEXT_KEYS:
            value = item.get(key)
            if value is None:
                value = ""
            if not isinstance(value, str) or len(value) > TEXT_MAX_LENGTH:
                problems.append(
                    Problem((*at, key), ProblemCode.INVALID, f"Must be text of at most {TEXT_MAX_LENGTH} characters.")
                )
            values[key] = value
        for key, bound in COORDINATES.items():
            value = item.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not -bound <= value <= bound
            ):
                problems.append(
                    Problem((*at, key), ProblemCode.OUT_OF_RANGE, f"Must be a number from {-bound:g} to {bound:g}.")
                )
                value = None
            values[key] = float(value) if value is not None else None
        return (None if problems else AddressState(**values)), problems

    def merge(
        self, key: str, current: tuple, raw: object, *, definitions: Named, at: Location
    ) -> tuple[tuple[AddressState, ...], list[Problem]]:
        """``first_address``: set some fields of the first address (creating it when there is
        none), keeping the others and the remaining addresses; ``None`` or ``""`` clears a
        field."""
        if not isinstance(raw, dict):
            return current, [Problem(at, ProblemCode.INVALID, "Must be an object of address fields.")]
        first = current[0].as_json() if current else AddressState().as_json()
        first.update({name: ("" if value is None and name in TEXT_KEYS else value) for name, value in raw.items()})
        merged, problems = self.clean_items([first], definitions=definitions, current=current, at=())
        if problems:
            return current, [Problem((*at, *p.location[1:]), p.code, p.message) for p in problems]
        rest = current[1:] if current else ()
        return ((merged[0], *rest) if merged[0] != AddressState() or rest else ()), []

    def from_row(self, values: Sequence[object]) -> AddressState:
        """Coordinates are loaded as exact text (``json_float``)."""
        *text, latitude, longitude = values
        return AddressState(*text, *(None if value is None else float(value) for value in (latitude, longitude)))

    def row(self, state: AddressState) -> dict[str, object]:
        return {name: getattr(state, name) for name in self.columns}


ADDRESSES = Addresses()
