"""A throwaway PostgreSQL database per test run, where a server is reachable.

`TEST_POSTGRES_URL` (default: the CI machines' trust-auth server on 127.0.0.1:5432, database
`test`) names the server; each run creates `guopei_test_<random>` and drops it at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_SERVER)


def unreachable_reason() -> str | None:
    """None when PostgreSQL answers, else why not (used as the skip reason)."""
    import psycopg

    try:
        with psycopg.connect(_libpq(server_url()), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {server_url()}: {str(error).strip()[:120]}"


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def temporary_database() -> Iterator[str]:
    """Create a uniquely named database, yield its SQLAlchemy URL, drop it afterwards."""
    import psycopg

    name = f"guopei_test_{secrets.token_hex(6)}"
    base = server_url()
    with psycopg.connect(_libpq(base), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(_libpq(base), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
