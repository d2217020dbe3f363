"""Long messages are split within Telegram's limit without breaking tags or entities; free text is cleaned
of control, bidi and zero-width characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.emulator.html import visible_text
from bot.services.kernel import text
from bot.services.kernel.text import clean_text, join_names, split_message


def test_short_message_is_one_part() -> None:
    assert split_message("a\nb") == ["a\nb"]


def test_long_list_splits_at_lines_and_keeps_every_line() -> None:
    lines = [f"<b>{i}</b> 张金花 &amp; 李庄村" for i in range(800)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1
    for part in parts:
        assert len(visible_text(part).encode("utf-16-le")) // 2 <= 4096
    assert "\n".join(parts).count("张金花") == 800


def test_one_huge_line_is_cut_safely() -> None:
    text = "<b>" + "&amp;汉" * 5000 + "</b>"
    parts = split_message(text)
    assert len(parts) >= 3
    for part in parts:
        visible_text(part)  # raises if a tag or entity was broken
        assert len(part.encode("utf-16-le")) // 2 <= 4096


# ------------------------------------------------------------------------------------------ clean_text

#: The characters the issue named (issue 30 item 8), each of which a name could hide behind.
NAMED = [
    "\u200e",  # LRM
    "\u200f",  # RLM
    "\u061c",  # Arabic letter mark
    "\u00ad",  # soft hyphen
    "\u3164",  # Hangul filler
    "\U000e0041",  # a tag character
    "\U000e007f",  # cancel tag
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u034f",  # combining grapheme joiner
    "\u2800",  # braille blank
    "\u200b",  # zero width space
    "\u2060",  # word joiner
    "\u180e",  # Mongolian vowel separator
    "\ufeff",  # BOM
    "\u115f",  # Hangul choseong filler
    "\uffa0",  # halfwidth Hangul filler
    "\u2066",  # LRI
    "\u202e",  # RLO
]
INVISIBLE = sorted(text.INVISIBLE) + NAMED
#: Text of every kind, salted with the characters clean_text removes.
dirty = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(INVISIBLE),
        st.sampled_from(NAMED),
        st.sampled_from(["\n", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85", " ", "\u3000", "张", "🙂", "\ufe0f"]),
    )
)


def _unwanted(ch: str, multiline: bool) -> bool:
    """Left after cleaning only as a joiner inside an emoji or a variation selector after a visible character."""
    if multiline and ch in "\n\t":
        return False
    return text.invisible(ch) and ch != text.ZWJ and ch not in text.VARIATION


def _stray_joiners(cleaned: str) -> list[int]:
    """Joiners that are not between a pictograph (or its modifier) and a pictograph; variation selectors that do
    not follow a visible character."""
    return [
        i
        for i, ch in enumerate(cleaned)
        if (
            ch == text.ZWJ
            and not (
                0 < i < len(cleaned) - 1
                and text._joinable(cleaned[i - 1])
                and unicodedata.category(cleaned[i + 1]) == "So"
            )
        )
        or (ch in text.VARIATION and not (i > 0 and text._visible(cleaned[i - 1])))
    ]


@given(dirty, st.booleans())
def test_clean_text_is_idempotent(value: str, multiline: bool) -> None:
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


@given(dirty, st.booleans())
def test_clean_text_never_leaves_anything_invisible(value: str, multiline: bool) -> None:
    cleaned = clean_text(value, multiline=multiline)
    assert not any(_unwanted(ch, multiline) for ch in cleaned)
    assert not _stray_joiners(cleaned)
    assert cleaned == cleaned.strip()
    assert cleaned == "" or any(text._visible(ch) for ch in cleaned)  # something to see, or nothing at all


def _seen(value: str) -> str:
    """What can be seen of `value`, in order: its visible characters and spaces, trimmed."""
    return "".join(ch for ch in value if text._visible(ch) or (ch.isspace() and not text.invisible(ch))).strip()


@given(dirty)
def test_clean_text_keeps_everything_that_can_be_seen_in_order(value: str) -> None:
    cleaned = clean_text(value)
    assert _seen(cleaned) == _seen(value)


@given(st.text(alphabet=st.sampled_from([*INVISIBLE, " ", "\u3000", "\t"]), min_size=1), st.booleans())
def test_a_text_of_only_invisible_characters_cleans_to_nothing(value: str, multiline: bool) -> None:
    assert clean_text(value, multiline=multiline) == ""
    assert text.name_key(value) == ""


@given(st.text(alphabet=st.sampled_from("张王李金花国华"), min_size=1, max_size=4), st.lists(st.sampled_from(NAMED)))
def test_a_name_with_invisible_characters_is_the_same_name(name: str, hidden: list[str]) -> None:
    salted = "".join(ch + (hidden[i] if i < len(hidden) else "") for i, ch in enumerate(name)) + "".join(hidden)
    assert clean_text(salted) == name
    assert text.name_key(salted) == text.name_key(name) == name
    assert text.name_key(" ".join(name)) == name and text.name_key(name.replace("张", "张\u3000")) == name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  张金花 ", "张金花"),
        ("\u200b张\u200d金花\ufeff", "张金花"),
        ("家人👨\u200d👩\u200d👧", "家人👨\u200d👩\u200d👧"),  # a joiner inside an emoji stays
        ("\u200d\u200d", ""),
        ("\u202e花金张\u202c", "花金张"),
        ("\u2066Tom\u2069 & <Jerry>", "Tom & <Jerry>"),
        ("张\x00金\x1b花\x7f", "张金花"),
        ("\u200b", ""),
        ("\u3000\u200b\u3000", ""),
        ("第一行\n第二行\t完", "第一行第二行完"),
        ("张\u200e金\u200f花\u061c", "张金花"),
        ("张\u00ad金\u034f花", "张金花"),
        ("\u3164", ""),
        ("\u2800\u2800", ""),
        ("\U000e0041\U000e007f", ""),
        ("张\u2028金花\u2029", "张金花"),
        ("\u0301", ""),  # a mark on nothing
        ("❤\ufe0f", "❤\ufe0f"),  # a variation selector after its character stays
        ("\ufe0f张", "张"),
    ],
)
def test_clean_text_examples(value: str, expected: str) -> None:
    assert clean_text(value) == expected


def test_clean_text_keeps_line_breaks_and_tabs_where_text_may_have_lines() -> None:
    assert clean_text(" 第一行\r\n第二行\t完\u200b\n", multiline=True) == "第一行\n第二行\t完"
    assert clean_text("第一行\u2028第二行\u2029第三行", multiline=True) == "第一行\n第二行\n第三行"
    assert clean_text("\n\t\n", multiline=True) == ""


def test_join_names() -> None:
    assert join_names(["张三", "李四"], "zh") == "张三、李四"
    assert join_names(["A", "B"], "en") == "A, B"
