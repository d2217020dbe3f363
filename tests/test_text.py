"""Long messages are split within Telegram's limit without breaking tags or entities."""

from __future__ import annotations

from bot.emulator.html import visible_text
from bot.services.text import split_message


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
