"""Overlap a bulk import's Python work with PostgreSQL's work on its writes (issue 5, item 8).

A 10^6-row clock import spends about 30 s in PostgreSQL (COPY into tables with indexes and
foreign keys) and longer in Python (parse, match, classify, format). On one connection the
two take turns. Inside `write_behind(session)`:

- a COPY (`bulk_copy.copy_lines`) is handed to a thread that sends it on the session's
  connection, in order, while the caller goes on computing;
- reads that need only committed data pass `bind_arguments=committed_reads(session)` and go
  to a second, read-only connection, so they need not wait for the queued COPYs;
- any other statement on the session's connection first waits for the queued COPYs, so the
  transaction's own statements keep their order and see its own writes.

A read may say it needs only committed data when nothing it reads is written by the
transaction before it: the import writes each employee's rows in one chunk and reads them
before writing them. The mode is used only when the transaction has written nothing yet
(else the second connection would not see what it wrote); otherwise, and on SQLite, it
changes nothing. All writes stay in the one transaction: the import is still all or nothing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

WRITER = "write_behind.writer"  # session.info: the _Writer of the running write_behind
READER = "write_behind.reader"  # session.info: bind_arguments of reads of committed data
QUEUED = 2  # COPYs waiting for the thread: the caller stays at most this far ahead


class _Writer:
    """A thread that runs the queued COPYs on one DBAPI connection, in order."""

    def __init__(self, dbapi_connection: Any) -> None:
        self._connection = dbapi_connection
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=QUEUED)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="write-behind", daemon=True)
        self._thread.start()

    def copy(self, statement: str, data: str) -> None:
        """Queue one COPY … FROM STDIN with its data (raises a queued COPY's error)."""
        self._raise()
        self._queue.put((statement, data))

    def wait(self) -> None:
        """Return once every queued COPY ran (raises the first one's error)."""
        self._queue.join()
        self._raise()

    def stop(self) -> None:
        """Run what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:  # after a failure the transaction is lost: skip the rest
                try:
                    with self._connection.cursor() as cursor, cursor.copy(item[0]) as copy:
                        copy.write(item[1])
                except BaseException as error:  # re-raised in the caller's thread
                    self._error = error
            self._queue.task_done()
        self._queue.task_done()


def writer(session: Session) -> _Writer | None:
    """The thread that takes the session's COPYs, inside `write_behind`."""
    return session.info.get(WRITER)


def committed_reads(session: Session) -> dict[str, Any]:
    """bind_arguments for a read that needs only committed data (see the module docstring):
    the second connection inside `write_behind`, else the session's own."""
    return session.info.get(READER, {})


def _fresh_transaction(session: Session) -> bool:
    """True when the session's transaction has written nothing (no transaction id yet)."""
    if session.new or session.dirty or session.deleted:
        return False
    written = session.execute(text("SELECT txid_current_if_assigned()")).scalar()
    return written is None


@contextmanager
def write_behind(session: Session) -> Iterator[None]:
    """Send the session's COPYs from a thread and its committed reads on a second connection
    until the block ends; every COPY has run (or raised) when it does."""
    bind = session.get_bind()
    usable = isinstance(bind, Engine) and bind.dialect.name == "postgresql"
    if not usable or WRITER in session.info or not _fresh_transaction(session):
        yield
        return
    connection = session.connection()
    behind = _Writer(connection.connection.dbapi_connection)

    def wait_for_copies(*_: Any) -> None:
        behind.wait()

    reader = bind.execution_options(postgresql_readonly=True, logging_token="committed reads")
    event.listen(connection, "before_cursor_execute", wait_for_copies)
    session.info[WRITER], session.info[READER] = behind, {"bind": reader}
    try:
        yield
        behind.wait()
    finally:
        del session.info[WRITER], session.info[READER]
        event.remove(connection, "before_cursor_execute", wait_for_copies)
        behind.stop()
