"""Database connections as the settings make them (README, "Configuration")."""

import os

import pytest
from django.db import connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_statements():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_connections_are_kept_a_minute_and_checked_before_use():
    assert connection.settings_dict["CONN_MAX_AGE"] == int(os.environ.get("CONN_MAX_AGE", "60"))
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
