"""psycopg loaders that parse PostgreSQL ``json`` values with ``jsontext`` (``contacts.db``). A
module of its own: psycopg is only imported where PostgreSQL is used."""

from psycopg.types.json import JsonBinaryLoader, JsonLoader

from contacts.foundations import jsontext


class FastJsonLoader(JsonLoader):
    _loads = staticmethod(jsontext.loads)


class FastJsonBinaryLoader(JsonBinaryLoader):
    _loads = staticmethod(jsontext.loads)


JSON_LOADERS = (FastJsonLoader, FastJsonBinaryLoader)
