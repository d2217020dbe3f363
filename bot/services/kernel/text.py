"""Text from people and text for Telegram: cleaning free text of invisible characters, joining names,
and splitting long HTML messages within Telegram's limits without breaking tags or entities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

LIMIT = 4096

#: Characters that change how text is shown without being seen: bidi embeddings, overrides and isolates
#: (a name could be made to read backwards in a list) and zero-width characters (two names that look the
#: same would be different members, and a name of only U+200B would look empty).
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]  # ZWSP ZWNJ ZWJ WORD JOINER, BOM
)


ZWJ = "\u200d"


def _dropped(ch: str, multiline: bool) -> bool:
    if ch in INVISIBLE and ch != ZWJ:
        return True
    if unicodedata.category(ch) == "Cc":  # C0, DEL and C1 controls
        return not (multiline and ch in "\n\t")
    return False


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without control characters (newline and tab kept when `multiline`), bidi overrides and
    isolates, and zero-width characters; trimmed. Idempotent. An empty result means the person typed
    nothing visible, which the caller refuses like an empty answer."""
    kept = [ch for ch in value if not _dropped(ch, multiline)]
    out: list[str] = []
    for i, ch in enumerate(kept):
        # a zero-width joiner stays only inside an emoji sequence (👨‍👩‍👧), where it is part of the picture
        if ch == ZWJ and not (
            out and _joinable(out[-1]) and i + 1 < len(kept) and unicodedata.category(kept[i + 1]) == "So"
        ):
            continue
        out.append(ch)
    return "".join(out).strip()


def _joinable(ch: str) -> bool:
    """What may come before a joiner in an emoji sequence: a pictograph, a skin tone, a variation selector."""
    return unicodedata.category(ch) in ("So", "Sk", "Mn")


def join_names(names: Sequence[str], lang: str) -> str:
    """`张三、李四` in Chinese, `A, B` in English."""
    return ("、" if lang == "zh" else ", ").join(names)


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
