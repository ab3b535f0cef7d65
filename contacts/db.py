"""Database connection tuning."""

import sqlite3

from django.db.backends.signals import connection_created

from contacts.db_json import JSON_LOADERS


def use_sqlite_variable_limit(sender, connection, **kwargs) -> None:
    """Let Django use the variable limit this SQLite was built with.

    Django assumes the historical 999 and splits bulk statements to fit, so a batch of
    1,000 contacts would cost dozens of statements per kind; current SQLite builds allow far
    more, and the engine's query count then stays flat as on PostgreSQL (DESIGN §4).
    """
    if connection.vendor != "sqlite":
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    connection.features.max_query_params = max(999, limit)


def read_json_fast(sender, connection, **kwargs) -> None:
    """PostgreSQL ``json`` values (a batch's stored contacts are read as JSON aggregates, a
    contact document too) are parsed by orjson rather than the standard library, several
    times faster (DESIGN §8). ``jsonb`` columns stay with Django's JSONField, which parses
    them itself."""
    if connection.vendor != "postgresql":
        return
    for loader in JSON_LOADERS:
        connection.connection.adapters.register_loader("json", loader)


def connect_signals() -> None:
    connection_created.connect(use_sqlite_variable_limit, dispatch_uid="contacts-sqlite-variable-limit")
    connection_created.connect(read_json_fast, dispatch_uid="contacts-json-fast")
