"""Text from people and text for Telegram: cleaning free text of invisible characters, joining names,
and splitting long HTML messages within Telegram's limits without breaking tags or entities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

LIMIT = 4096

#: Code points shown as nothing (Unicode's Default_Ignorable_Code_Point, DerivedCoreProperties.txt) and the blank
#: "letters" that look like nothing: a name made of them would look empty, two names that differ only by them
#: would look the same (two members, one face), and bidi marks can make a list read backwards.
_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x200B, 0x200F),  # zero width space, non-joiner, joiner; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # bidi embeddings and overrides (LRE RLE PDF LRO RLO)
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates (LRI RLI FSI PDI), deprecated formats
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors (kept after a visible character: emoji, CJK variants)
    (0xFEFF, 0xFEFF),  # zero width no-break space (BOM)
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned specials
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE0FFF),  # tag characters (E0000–E007F), variation selectors supplement (E0100–E01EF)
)
INVISIBLE = frozenset(chr(c) for low, high in _IGNORABLE for c in range(low, high + 1))
#: Variation selectors: they choose how the character before them looks (❤️, a CJK variant), so they stay right
#: after a visible character and nowhere else.
VARIATION = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)] + ["\u180b", "\u180c", "\u180d"]
)
#: Line and paragraph separators: a line break where text may have lines, nothing elsewhere.
SEPARATORS = frozenset("\u2028\u2029\x85")

ZWJ = "\u200d"


def invisible(ch: str) -> bool:
    """Whether `ch` is shown as nothing: the characters above, every format character (Cf: bidi marks, tags,
    invisible operators…), control characters (Cc) and the line and paragraph separators (Zl, Zp)."""
    return ch in INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")


def _visible(ch: str) -> bool:
    """A character that shows something by itself (not a space, not a mark that only changes the one before)."""
    return not ch.isspace() and not invisible(ch) and unicodedata.category(ch) not in ("Mn", "Me")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without anything shown as nothing (`invisible`: control, format, bidi, zero-width and blank
    characters; newline and tab kept, and a line separator made a newline, when `multiline`); a zero-width joiner
    stays only inside an emoji (👨‍👩‍👧) and a variation selector only right after a visible character. Trimmed.
    Idempotent. The empty string when nothing visible is left: the person typed nothing that can be seen, which
    the caller refuses like an empty answer (a name of only U+3164 or U+2800 is no name)."""
    kept: list[str] = []
    for ch in value:
        if multiline and ch in "\n\t":
            kept.append(ch)
        elif multiline and ch in SEPARATORS:
            kept.append("\n")
        elif not invisible(ch) or ch == ZWJ or ch in VARIATION:
            kept.append(ch)
    out: list[str] = []
    for i, ch in enumerate(kept):
        if ch == ZWJ:
            # part of the picture only between a pictograph (or its modifier) and a pictograph
            if not (out and _joinable(out[-1]) and i + 1 < len(kept) and unicodedata.category(kept[i + 1]) == "So"):
                continue
        elif ch in VARIATION and not (out and _visible(out[-1])):
            continue
        out.append(ch)
    cleaned = "".join(out).strip()
    return cleaned if any(_visible(ch) for ch in cleaned) else ""


def _joinable(ch: str) -> bool:
    """What may come before a joiner in an emoji sequence: a pictograph, a skin tone, a variation selector."""
    return unicodedata.category(ch) in ("So", "Sk", "Mn")


def name_key(name: str) -> str:
    """A person's name as names are compared: cleaned (`clean_text`), in Unicode's compatibility form (NFKC: a
    full-width letter is its letter), without any white space (张 三 is 张三)."""
    return "".join(unicodedata.normalize("NFKC", clean_text(name)).split())


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
