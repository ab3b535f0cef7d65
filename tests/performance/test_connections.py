"""Database connections as the settings make them (README, "Configuration")."""

import os
import select

import psycopg
import pytest
from django.db import close_old_connections, connection

from tests import factories


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_connections_are_kept_a_minute_and_checked_before_use():
    assert connection.settings_dict["CONN_MAX_AGE"] == int(os.environ.get("CONN_MAX_AGE", "60"))
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _from_elsewhere(sql: str, params: list) -> list[tuple]:
    """A statement on a connection of its own, as another client of the server."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        return other.execute(sql, params).fetchall()


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's kept connections")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_health_check_of_a_kept_connection_sends_nothing():
    pid = _backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement sent'")

    assert connection.is_usable()

    # The server's record of the connection's last statement is still the one above.
    assert _from_elsewhere("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]) == [
        ("SELECT 'the last statement sent'",)
    ]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it(api_client, org):
    contact = factories.make_contact(org, first_name="Ada")
    pid = _backend_pid()
    assert _from_elsewhere("SELECT pg_terminate_backend(%s)", [pid]) == [(True,)]
    # The server's farewell reaches the socket a moment after it answers the other client.
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(5000)
    assert not connection.is_usable()

    close_old_connections()  # what the start of a request does
    response = api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}")

    assert response.status_code == 200 and response.json()["firstName"] == "Ada"
    assert _backend_pid() != pid


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_whose_transaction_failed_is_not_used_again():
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")

    assert not connection.is_usable()

    raw.rollback()
    raw.autocommit = True
    assert connection.is_usable()
