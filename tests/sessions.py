"""Another client of the database, for tests of what one session sees while another's
transaction is open."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

WAIT_SECONDS = 30


@contextmanager
def held_open(work: Callable[[], object]) -> Iterator[None]:
    """Inside the block, ``work`` has run in a transaction of another session (a thread with
    its own connection), which is held open: its locks held, its writes not committed. It
    commits as the block ends."""
    done, release = threading.Event(), threading.Event()

    def run_and_hold() -> None:
        try:
            with transaction.atomic():
                work()
                done.set()
                release.wait(WAIT_SECONDS)
        finally:
            connection.close()

    session = threading.Thread(target=run_and_hold)
    session.start()
    try:
        assert done.wait(WAIT_SECONDS)
        yield
    finally:
        release.set()
        session.join(WAIT_SECONDS)
