"""JSON text to and from the database, fast: ``contacts.foundations.sql`` writes with it, and
``contacts.db`` has psycopg read PostgreSQL ``json`` values with it. A batch's rows and history
travel to PostgreSQL as megabytes of JSON and its stored contacts come back as JSON
aggregates; orjson writes and reads them several times faster than the standard library
(DESIGN §8). Where orjson would lose something (integers beyond 64 bits, which it refuses to
write and reads as floats; numbers beyond a double), the standard library does the work, as
exactly as before.
"""

import datetime
import json
from collections.abc import Callable

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from psycopg.types.json import JsonBinaryLoader, JsonLoader

#: Each digit as "0" (no other byte is one): a run of 19 digits, an integer orjson may not
#: read exactly (64 bits hold 19 or 20 digits), is then found by a plain substring search, at
#: C speed (a regular expression takes 8 ms over a batch's 700 kB).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
#: The deepest nesting orjson writes (and so checks at C speed).
_DEPTH = 255


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but instants keep their microseconds (it rounds to milliseconds)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        return super().default(o)


_EXACT = _ExactEncoder(ensure_ascii=False)


def dumps(value: object) -> str:
    """``value`` as JSON text: instants with their microseconds, decimals and lazy strings as
    Django's encoder writes them, keys that are not text as text."""
    try:
        return orjson.dumps(value, default=_EXACT.default).decode()
    except TypeError:
        pass
    try:
        # Keys that are not text cost orjson a slower path on every dict: only when needed.
        return orjson.dumps(value, default=_EXACT.default, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # an integer beyond 64 bits
        return _EXACT.encode(value)


def loads(data: bytes | str, *, parse_constant: Callable[[str], object] | None = None) -> object:
    """The value of JSON text, exactly as ``json.loads`` reads it (``parse_constant`` as
    there). orjson reads it unless it may read it differently or not at all: long integers
    (it reads them as floats), numbers beyond a double, ``NaN``, lone surrogates, nesting
    beyond its limit; the standard library then reads it or raises its own error."""
    if isinstance(data, str):
        # Lone surrogates, which orjson refuses, encode too: only digits matter here.
        exact = _LONG_NUMBER not in data.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)
    else:
        data = bytes(data)
        exact = _LONG_NUMBER not in data.translate(_DIGITS_AS_ZERO)
    if exact:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        else:
            if _within_depth(data, value):
                return value
    return json.loads(data, parse_constant=parse_constant)


def _within_depth(data: bytes | str, value: object) -> bool:
    """Whether ``value`` nests no deeper than orjson writes (255 levels). Deeper text is
    read again by the standard library, so that what nests too deep for the platform's
    recursive checks fails as it always did (``RecursionError``) rather than later. Only
    text with that many brackets can nest so deep, and writing the value checks it fast."""
    openings = data.count(b"[") + data.count(b"{") if isinstance(data, bytes) else data.count("[") + data.count("{")
    if openings <= _DEPTH:
        return True
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        return False
    return True


class FastJsonLoader(JsonLoader):
    _loads = staticmethod(loads)


class FastJsonBinaryLoader(JsonBinaryLoader):
    _loads = staticmethod(loads)


#: psycopg loaders of ``json`` values (text and binary results) that parse with ``loads``.
JSON_LOADERS = (FastJsonLoader, FastJsonBinaryLoader)
