"""The registry of a contact's nested kinds. The engine (state, resolution, planning, writes,
OPS) loops over it and names no kind: adding a kind is its module and one line here."""

from attributes.services import ATTRIBUTES
from contacts.addresses import ADDRESSES
from contacts.foundations.kinds import NestedKind
from paths.services import PATHS

#: In the order their rows are written and their changes listed in history.
NESTED_KINDS: tuple[NestedKind, ...] = (ADDRESSES, PATHS, ATTRIBUTES)
KINDS_BY_FIELD: dict[str, NestedKind] = {kind.field: kind for kind in NESTED_KINDS}
