"""Text within Telegram's limits: splitting long HTML messages without breaking tags or entities."""

from __future__ import annotations

import re

LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def _visible_len(text: str) -> int:
    """UTF-16 length, as Telegram counts (an upper bound: tags and entities are counted raw)."""
    return len(text.encode("utf-16-le")) // 2


def _open_tags(chunk: str) -> list[str]:
    stack: list[str] = []
    for match in _TAG.finditer(chunk):
        if match.group(1):
            if stack and stack[-1].startswith(f"<{match.group(2)}"):
                stack.pop()
        else:
            stack.append(match.group(0))
    return stack


def _closing(tags: list[str]) -> str:
    return "".join(f"</{_TAG.match(tag).group(2)}>" for tag in reversed(tags))  # type: ignore[union-attr]


def _safe_cut(text: str, limit: int) -> int:
    """The largest cut ≤ limit (in UTF-16 units) that is not inside a tag or an `&…;` entity."""
    cut = 0
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            break
        cut = index + 1
    lt, gt = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
    if lt > gt:
        cut = lt
    amp, semi = text.rfind("&", 0, cut), text.rfind(";", 0, cut)
    if amp > semi and cut - amp < 12:
        cut = amp
    return max(cut, 1)


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Split at line breaks into parts of at most `limit`; a longer line is cut safely. Tags still open
    at a cut are closed and reopened in the next part."""
    reserve = 64
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if _visible_len(candidate) + reserve <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        while _visible_len(line) + reserve > limit:
            cut = _safe_cut(line, limit - reserve)
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not parts:
        parts.append(current)
    # Balance tags across parts.
    balanced: list[str] = []
    carry: list[str] = []
    for part in parts:
        body = "".join(carry) + part
        still_open = _open_tags(body)
        balanced.append(body + _closing(still_open))
        carry = still_open
    # a part holding only tags (a cut just before a closing tag) would be an empty message: Telegram refuses it
    return [p for p in balanced if _TAG.sub("", p).strip()] or [""]
