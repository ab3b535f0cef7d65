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
import re

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from psycopg.types.json import JsonBinaryLoader, JsonLoader

#: An integer orjson may not read exactly (64 bits hold 19 or 20 digits).
_LONG_NUMBER = re.compile(rb"\d{19}")


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
        return orjson.dumps(value, default=_EXACT.default, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # an integer beyond 64 bits
        return _EXACT.encode(value)


def loads(data: bytes | str) -> object:
    """The value of JSON text."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if _LONG_NUMBER.search(raw):
        return json.loads(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:  # a number beyond a double, read as infinity
        return json.loads(raw)


class FastJsonLoader(JsonLoader):
    _loads = staticmethod(loads)


class FastJsonBinaryLoader(JsonBinaryLoader):
    _loads = staticmethod(loads)


#: psycopg loaders of ``json`` values (text and binary results) that parse with ``loads``.
JSON_LOADERS = (FastJsonLoader, FastJsonBinaryLoader)
