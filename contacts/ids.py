"""Parsing ids from the wire: anything that is not a positive 64-bit integer is no id at
all, so lookups never overflow a database column."""

MAX_ID = 2**63 - 1


def parse_id(raw: object) -> int | None:
    """The id in ``raw`` (an int or a decimal string), else None. Booleans are not ids."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        value = int(raw)
        return value if 0 < value <= MAX_ID else None
    return None
