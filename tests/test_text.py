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

INVISIBLE = sorted(text.INVISIBLE)
#: Text of every kind, salted with the characters clean_text removes.
dirty = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(INVISIBLE),
        st.sampled_from(["\n", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85", " ", "\u3000", "张", "🙂"]),
    )
)


def _unwanted(ch: str, multiline: bool) -> bool:
    return (ch in text.INVISIBLE and ch != text.ZWJ) or (
        unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t")
    )


def _stray_joiners(cleaned: str) -> list[int]:
    """Joiners that are not between a pictograph (or its modifier) and a pictograph."""
    return [
        i
        for i, ch in enumerate(cleaned)
        if ch == text.ZWJ
        and not (
            0 < i < len(cleaned) - 1 and text._joinable(cleaned[i - 1]) and unicodedata.category(cleaned[i + 1]) == "So"
        )
    ]


@given(dirty, st.booleans())
def test_clean_text_is_idempotent(value: str, multiline: bool) -> None:
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


@given(dirty, st.booleans())
def test_clean_text_never_leaves_control_bidi_or_zero_width_characters(value: str, multiline: bool) -> None:
    cleaned = clean_text(value, multiline=multiline)
    assert not any(_unwanted(ch, multiline) for ch in cleaned)
    assert not _stray_joiners(cleaned)
    assert cleaned == cleaned.strip()


@given(dirty)
def test_clean_text_keeps_everything_else_in_order(value: str) -> None:
    kept = "".join(ch for ch in value if not _unwanted(ch, False)).strip()
    # everything but joiners is kept, in order; joiners stay only inside emoji (checked above)
    assert clean_text(value).replace(text.ZWJ, "") == kept.replace(text.ZWJ, "").strip()


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
    ],
)
def test_clean_text_examples(value: str, expected: str) -> None:
    assert clean_text(value) == expected


def test_clean_text_keeps_line_breaks_and_tabs_where_text_may_have_lines() -> None:
    assert clean_text(" 第一行\r\n第二行\t完\u200b\n", multiline=True) == "第一行\n第二行\t完"
    assert clean_text("\n\t\n", multiline=True) == ""


def test_join_names() -> None:
    assert join_names(["张三", "李四"], "zh") == "张三、李四"
    assert join_names(["A", "B"], "en") == "A, B"
