"""Set up Django on a throwaway, freshly migrated database for a benchmark script.

SQLite under a temporary folder, unless BENCH_POSTGRES_URL names a PostgreSQL server (bench/run.py sets
it from DATABASE_URL): then a database of the script's own on that server, dropped when the script ends.
"""

import atexit
import logging
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def _postgres_database_make(server_url: str, name: str) -> str:
    import psycopg

    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


def throwaway_database_setup(*, prefix: str) -> None:
    """Point Django at a new database (SQLite, or PostgreSQL when asked), set it up and migrate it."""
    server_url = os.environ.get("BENCH_POSTGRES_URL", "")
    if server_url:
        name = f"{prefix.strip('-').replace('-', '_')}_{os.getpid()}"
        os.environ["DATABASE_URL"] = _postgres_database_make(server_url, name)
    else:
        workdir = tempfile.mkdtemp(prefix=prefix)
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "p2pu.settings.test"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    # Page saves log every search-index task; the figures are the only output wanted.
    logging.disable(logging.INFO)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
