"""Compile translation catalogues (.po) into the binary files Django reads (.mo), without GNU gettext.

`make install` runs it for each catalogue under locale/ that is newer than its .mo:
``python scripts/compile_messages.py locale/es/LC_MESSAGES/django.po …``. Django's own compilemessages
needs msgfmt, which a fresh machine may lack; Babel is in requirements.txt.

Fuzzy entries (guesses that makemessages left for a translator to check) are left out, as msgfmt does; a
fuzzy header (what makemessages writes for a new language) does not stop the rest from compiling.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_catalogue(source: Path) -> Path:
    with source.open("rb") as po_file:
        catalog = read_po(po_file, locale=source.parent.parent.name)
    catalog.fuzzy = False
    target = source.with_suffix(".mo")
    with target.open("wb") as mo_file:
        write_mo(mo_file, catalog, use_fuzzy=False)
    return target


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"compiled {compile_catalogue(Path(name))}")
