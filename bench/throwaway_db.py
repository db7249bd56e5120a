"""Set up Django on a throwaway, freshly migrated SQLite database for a benchmark script."""

import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def throwaway_database_setup(*, prefix: str) -> None:
    """Point Django at a new SQLite file under a temporary folder, set it up and migrate it."""
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
