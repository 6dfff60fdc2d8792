"""Group commit for the clock API: one thread per process stores what the requests hand it.

Request threads submit and wait; the batcher takes whatever is pending (up to `size`), runs
`clock_batch.record_batch` in its own session, commits once and only then answers each
request (A-1: an acknowledged event is durable). A failed transaction answers every request
of that batch 503; the terminals retry with the same event_id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Flask
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.services.clock_batch import UNAVAILABLE, Answer, Submission, record_batch

EXTENSION = "paiban.clock_batcher"
LINGER = 0.02  # seconds a batch waits to grow to the size of the previous one
ANSWER_TIMEOUT = 30.0  # seconds a request waits for its batch before answering 503
log = logging.getLogger(__name__)
_creating = threading.Lock()


class ClockBatcher:
    """Pending submissions and the thread that commits them a batch at a time."""

    def __init__(self, app: Flask, size: int) -> None:
        self.app, self.size = app, size
        self._pending: list[tuple[Submission, Future[Answer]]] = []
        self._changed = threading.Condition()
        self._connection: Connection | None = None  # kept from batch to batch

    def start(self) -> None:
        """Start the batch thread (in the serving process: a thread does not survive fork).

        One thread: a batch's cost is mostly fixed, so one full batch beats two half ones."""
        threading.Thread(target=self._run, name="clock-batcher", daemon=True).start()

    def submit(self, submission: Submission) -> Answer:
        """Queue one submission and wait for its batch to commit (or fail: 503)."""
        future: Future[Answer] = Future()
        with self._changed:
            self._pending.append((submission, future))
            self._changed.notify_all()
        try:
            return future.result(timeout=ANSWER_TIMEOUT)
        except FutureTimeout:
            return UNAVAILABLE

    def wait_pending(self, count: int, timeout: float) -> bool:
        """True once `count` submissions are pending (tests gather one batch with it)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._pending) >= count, timeout)

    def run_once(self) -> int:
        """Commit one batch of what is pending now; how many submissions it answered."""
        with self._changed:
            batch, self._pending = self._pending[: self.size], self._pending[self.size :]
        if batch:
            answers = self._commit([submission for submission, _ in batch])
            for (_, future), answer in zip(batch, answers, strict=True):
                future.set_result(answer)
        return len(batch)

    def close(self) -> None:
        """Give back the batcher's connection (tests; a served process just exits)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _run(self) -> None:
        last = 1
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending))
                # The requests the last batch answered are usually back within a few ms:
                # waiting that long for them fills this batch, whose cost is mostly fixed.
                want = min(last, self.size)
                self._changed.wait_for(lambda: len(self._pending) >= want, LINGER)  # noqa: B023
            try:
                last = self.run_once()
            except Exception:  # keep serving; that batch's requests time out with 503
                log.exception("clock batcher")

    def _commit(self, submissions: Sequence[Submission]) -> list[Answer]:
        """One transaction for the batch, in the batcher's own session; answers after COMMIT.

        The batcher keeps its connection between batches (no pool checkout and ping per
        batch) and lets it go after a failure, so a broken one is not used again."""
        with self.app.app_context():
            try:
                self._connection = self._connection or db.engine.connect()
                with Session(bind=self._connection) as session:
                    answers = record_batch(session, submissions)
                    session.commit()
                return answers
            except Exception:  # every request of the batch learns it was not stored
                log.exception("clock batch of %d failed; answered 503", len(submissions))
                self.close()
                return [UNAVAILABLE] * len(submissions)


def batcher_for(app: Flask) -> ClockBatcher | None:
    """The process's batcher, started on first use; None when CLOCK_BATCH_SIZE is 0."""
    size = int(app.config.get("CLOCK_BATCH_SIZE", 0))
    if size <= 0:
        return None
    batcher = app.extensions.get(EXTENSION)
    if batcher is None:
        with _creating:
            batcher = app.extensions.get(EXTENSION)
            if batcher is None:
                batcher = app.extensions[EXTENSION] = ClockBatcher(app, size)
                batcher.start()
    return batcher  # type: ignore[no-any-return]
