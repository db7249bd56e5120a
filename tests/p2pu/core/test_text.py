"""The cleaner for names and texts people type: no control characters, no bidirectional overrides."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from p2pu.core.text import BIDI_CONTROLS, multi_line, one_line, searchable_words

RLO = "\u202e"


def test_a_name_that_reads_backwards_is_stored_as_typed_without_the_override():
    assert one_line(f"Admin{RLO}nimdA") == "AdminnimdA"
    assert one_line("  Ann\u2066\u2069 \x00Lee\x1b  ") == "Ann Lee"
    assert one_line("line one\nline two\u2028three") == "line one line two three"


def test_right_to_left_names_keep_their_letters_and_marks():
    assert one_line("سارا\u200f محمدی") == "سارا\u200f محمدی"
    assert one_line("👩‍🔬 Zoë") == "👩‍🔬 Zoë"


def test_a_longer_text_keeps_its_lines():
    assert multi_line("Hello\r\n\tthere\x07\u202d!\r") == "Hello\n\tthere!"


@given(st.text())
def test_one_line_leaves_no_control_or_override_and_is_idempotent(value):
    cleaned = one_line(value)
    assert not any(char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" for char in cleaned)
    assert one_line(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned


@given(st.text())
def test_multi_line_keeps_only_line_breaks_and_tabs_among_controls(value):
    cleaned = multi_line(value)
    assert all(char in "\n\t" for char in cleaned if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc")
    assert multi_line(cleaned) == cleaned


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))))
def test_ordinary_text_is_left_alone(value):
    value = "".join(char for char in value if char not in BIDI_CONTROLS)
    assert one_line(value) == value.strip()


def test_a_search_leaves_out_words_without_a_letter_or_digit():
    assert searchable_words("salt & pepper – Q&A 2") == "salt pepper Q&A 2"
    assert searchable_words(" & – ") == ""
