"""The translation catalogues are complete and current: every string is translated (nothing fuzzy), each
translation keeps its original's placeholders, and `make messages` would neither add nor drop a string.

The extraction check runs Django's makemessages (GNU gettext's xgettext: apt-get install gettext) over a
copy of the tracked source, so the committed catalogues are never touched.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.catalogues import entries, forms, placeholders

ROOT = Path(__file__).resolve().parents[2]
# Every interface language but the one the source is written in (settings.LANGUAGES).
SHIPPED = tuple(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
# What the Makefile's `messages` target leaves out (.venv, node_modules and var are never tracked).
NOT_EXTRACTED = ("tests", "loadtest", "bench")


def label(message) -> str:
    original = forms(message.id)[0]
    return f"[{message.context}] {original!r}" if message.context else repr(original)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    untranslated = [label(m) for m in entries(language) if not all(form.strip() for form in forms(m.string))]
    fuzzy = [label(m) for m in entries(language) if m.fuzzy]
    assert not untranslated and not fuzzy, (
        f"locale/{language}/LC_MESSAGES/django.po: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy\n"
        + "\n".join([*(f"untranslated: {m}" for m in untranslated), *(f"fuzzy: {m}" for m in fuzzy)])
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders_of_their_original(language):
    """A translation must carry its original's placeholders: one missing or misspelt raises KeyError (or shows
    a raw %(name)s) in that language only. A plural form may leave out what its language's grammar makes
    redundant (Arabic's forms for one and two often omit the number), but the last form keeps them all, and no
    form brings one of its own."""
    wrong = []
    for message in entries(language):
        originals = [placeholders(text) for text in forms(message.id)]
        expected = originals[-1]
        translations = [placeholders(text) for text in forms(message.string) if text]
        if not translations or message.fuzzy:
            continue  # untranslated, or a guess never compiled: the test above lists both
        if message.pluralizable:
            allowed = set().union(*originals)
            if set(translations[-1]) != set(expected) or any(set(found) - allowed for found in translations):
                wrong.append(f"{label(message)}: {sorted(allowed)} → {[sorted(found) for found in translations]}")
        elif translations[0] != expected:
            wrong.append(f"{label(message)}: {sorted(expected.elements())} → {sorted(translations[0].elements())}")
    assert not wrong, f"locale/{language}/LC_MESSAGES/django.po: placeholders differ\n" + "\n".join(wrong)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What makemessages extracts from the tracked source today: the set of (context, msgid)."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is not installed (apt-get install gettext); CI installs it (.ci/run)")
    copy = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    for name in tracked:
        if name and not name.startswith(("locale/", *(f"{folder}/" for folder in NOT_EXTRACTED))):
            source = ROOT / name
            if source.is_file():
                (copy / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy / name)
    (copy / "locale").mkdir()
    # makemessages walks the current directory and writes to the first of LOCALE_PATHS.
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[copy / "locale"]):
        patch.chdir(copy)
        call_command("makemessages", locale=["es"], no_location=True, verbosity=0)
    with (copy / "locale" / "es" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        fresh = read_po(po_file, locale="es")
    return {(message.context, forms(message.id)[0]) for message in fresh if message.id}


@pytest.mark.parametrize("language", SHIPPED)
def test_the_catalogue_holds_exactly_what_makemessages_extracts(language, extracted):
    committed = {(message.context, forms(message.id)[0]) for message in entries(language)}
    missing = sorted(extracted - committed, key=str)
    stale = sorted(committed - extracted, key=str)
    assert not missing and not stale, (
        f"locale/{language}/LC_MESSAGES/django.po is not current (run `make messages`): "
        f"{len(missing)} new string(s), {len(stale)} no longer in the source\n"
        + "\n".join([*(f"new: {m}" for m in missing), *(f"stale: {m}" for m in stale)])
    )
