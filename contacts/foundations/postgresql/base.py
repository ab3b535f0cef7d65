"""Django's PostgreSQL backend (``ENGINE = "contacts.foundations.postgresql"``), whose health
check of a kept connection sends nothing.

``CONN_HEALTH_CHECKS`` makes Django check a connection kept from an earlier request
(``CONN_MAX_AGE``) before the next request uses it. Django's own check is a ``SELECT 1``: a
round trip on every request, about 0.2 ms of CPU on the two sides of a 2-core machine, where
a whole PATCH costs about 9 (README, "Performance"). A server that ends a connection (a
restart, ``pg_terminate_backend``, an idle time-out, a pooler closing it) says so on the
socket: an error message, then the end of the stream. So the check here looks without
writing, as pgx's pools do before lending a connection: one that libpq has seen fail, whose
transaction failed (where Django's ``SELECT 1`` fails too), or whose socket has anything to
read while nothing was asked, is closed and replaced. A connection cut without a word (a host
gone, a firewall dropping it) escapes both checks: Django's would wait on it as long as the
request's first statement does, which then fails, and the request answers 503
(``DatabaseUnavailableMiddleware``).
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus

#: Between statements: outside a transaction, or inside one that has not failed.
USABLE = {TransactionStatus.IDLE, TransactionStatus.INTRANS}


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the kept connection can serve the next request, without asking the server."""
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != ConnStatus.OK or pgconn.transaction_status not in USABLE:
            return False
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            # Nothing is due on an idle connection: what arrived is a farewell, or the end.
            return not poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # no socket left
            return False
