"""Exactly one scheduler and broadcaster per database, however many bot processes run.

PostgreSQL: a session-level `pg_try_advisory_lock` held on a connection kept open for the
life of the process (the lock goes when the process or its connection dies). SQLite: an
exclusive `flock` on `DATA_DIR/scheduler.lock` (released by the kernel when the process dies).

    lock = LeaderLock(engine, data_dir)
    if lock.try_acquire(): ...run the scheduler...
    lock.release()
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x67756F70656962  # "guopeib": the scheduler's lock id in pg_advisory_lock space
LOCK_FILE = "scheduler.lock"


class LeaderLock:
    """Non-blocking leadership: `try_acquire()` is True in exactly one process at a time."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.path = Path(data_dir) / LOCK_FILE
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            return self._acquire_advisory()
        return self._acquire_file()

    def _acquire_advisory(self) -> bool:
        connection = self.engine.connect()
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
            ).scalar()
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY}
                )
                self._connection.commit()
            except Exception:  # the connection may already be gone: the lock went with it
                log.warning("could not release the scheduler advisory lock cleanly")
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
