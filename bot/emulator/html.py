"""Validator for Telegram's HTML parse mode, modelled on the Bot API's own parser.

``parse_html`` returns the visible text plus the ``MessageEntity`` dicts Telegram would
report, or raises :class:`HtmlError` whenever the real server answers
``400 Bad Request: can't parse entities: ...``. Error wording follows Telegram's server
(offsets are UTF-8 byte offsets into the input).

The emulator is deliberately *stricter* than Telegram about one thing: a bare ``&`` that
does not start ``&lt;``/``&gt;``/``&amp;``/``&quot;``/``&#NNN;``/``&#xHH;`` is refused
(Telegram keeps it literally), so that forgotten escaping is caught in tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlError", "parse_html", "strip_text", "utf16_len", "visible_text"]

_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,6}));")
_SPECIAL_RE = re.compile(r"[<&]")
_SPACES = " \t\r\n\f"


class HtmlError(ValueError):
    """Raised where Telegram answers ``Bad Request: can't parse entities: <description>``."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass
class _Open:
    name: str
    start: int  # UTF-16 offset in the visible text
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram uses for limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.len16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def error(self, message: str, index: int, detail: str = "") -> HtmlError:
        return HtmlError(f"{message} at byte offset {_byte_offset(self.src, index)}{detail}")

    def emit(self, text: str) -> None:
        if text:
            self.out.append(text)
            self.len16 += utf16_len(text)

    def decode_entity(self, index: int) -> tuple[str, int]:
        """Decode the entity starting at ``index`` (an ``&``); return (char, next index)."""
        match = _ENTITY_RE.match(self.src, index)
        if match is None:
            raise self.error('Unescaped "&" (write &amp;)', index)
        named, dec, hexa = match.groups()
        if named:
            return _NAMED[named], match.end()
        code = int(dec) if dec else int(hexa, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise self.error("Invalid numeric character reference", index)
        return chr(code), match.end()

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.src
        while self.pos < len(src):
            match = _SPECIAL_RE.search(src, self.pos)
            end = match.start() if match else len(src)
            self.emit(src[self.pos : end])
            self.pos = end
            if match is None:
                break
            if src[end] == "&":
                char, self.pos = self.decode_entity(end)
                self.emit(char)
            elif src.startswith("</", end):
                self.end_tag(end)
            else:
                self.start_tag(end)
        if self.stack:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> None:
        src = self.src
        i = begin + 1
        while i < len(src) and src[i] not in _SPACES and src[i] not in ">/":
            i += 1
        name = src[begin + 1 : i].lower()
        if i >= len(src):
            raise self.error("Unclosed start tag", begin)
        if name not in _ENTITY_TYPES:
            raise self.error(f'Unsupported start tag "{name}"', begin)
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i] in _SPACES:
                i += 1
            if i >= len(src):
                raise self.error("Unclosed start tag", begin)
            if src[i] == ">":
                break
            j = i
            while j < len(src) and src[j] not in _SPACES and src[j] not in "=>":
                j += 1
            attr = src[i:j].lower()
            if not attr or j >= len(src):
                raise self.error(
                    f'Empty attribute name in the tag "{name}"' if not attr else "Unclosed start tag", begin
                )
            i = j
            while i < len(src) and src[i] in _SPACES:
                i += 1
            if i < len(src) and src[i] == "=":
                value, i = self.attr_value(i + 1, begin, name)
            else:
                value = ""
            attrs[attr] = value
        self.pos = i + 1
        self.open_tag(name, attrs, begin)

    def attr_value(self, i: int, begin: int, tag: str) -> tuple[str, int]:
        src = self.src
        while i < len(src) and src[i] in _SPACES:
            i += 1
        if i >= len(src):
            raise self.error("Unclosed start tag", begin)
        quote = src[i]
        if quote in "'\"":
            close = src.find(quote, i + 1)
            if close < 0:
                raise self.error("Unclosed start tag", begin)
            raw, nxt = src[i + 1 : close], close + 1
        else:
            j = i
            while j < len(src) and src[j] not in _SPACES and src[j] != ">":
                j += 1
            if j == i:
                raise self.error(f'Expected attribute value in the tag "{tag}"', begin)
            raw, nxt = src[i:j], j
        value: list[str] = []
        k = 0
        while k < len(raw):
            if raw[k] == "&":
                char, k2 = _Parser(raw).decode_entity(k)
                value.append(char)
                k = k2
            else:
                value.append(raw[k])
                k += 1
        return "".join(value), nxt

    def open_tag(self, name: str, attrs: dict[str, str], begin: int) -> None:
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise self.error('Tag "tg-emoji" must have a numeric attribute "emoji-id"', begin)
        self.stack.append(_Open(name, self.len16, attrs))

    def end_tag(self, begin: int) -> None:
        src = self.src
        i = begin + 2
        while i < len(src) and src[i] not in _SPACES and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < len(src) and src[i] in _SPACES:
            i += 1
        if i >= len(src) or src[i] != ">":
            raise self.error("Unclosed end tag", begin)
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        top = self.stack[-1]
        if name != top.name:
            raise self.error("Unmatched end tag", begin, f', expected "</{top.name}>", found "</{name}>"')
        self.stack.pop()
        self.pos = i + 1
        self.close(top)

    def close(self, tag: _Open) -> None:
        length = self.len16 - tag.start
        kind = _ENTITY_TYPES[tag.name]
        entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
        language = tag.attrs.get("class", "")
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            if language.startswith("language-") and len(language) > 9:
                self.stack[-1].language = language[9:]
            return  # <pre><code> is a single "pre" entity
        if tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "a":
            url = tag.attrs.get("href", "")
            if url.startswith("tg://user?id=") and url[13:].isdigit():
                entity = {
                    **entity,
                    "type": "text_mention",
                    "user": {"id": int(url[13:]), "is_bot": False, "first_name": ""},
                }
            elif url:
                entity["url"] = url
            else:
                return
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        if length > 0:
            self.entities.append(entity)


def parse_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML; return (visible text, entities with UTF-16 offsets)."""
    return _Parser(html).run()


def visible_text(html: str) -> str:
    """Return the text a user would see for ``html``; raise :class:`HtmlError` if Telegram refuses it."""
    return parse_html(html)[0]


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram does, shifting and clipping the entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - lead)
        end = min(total, int(entity["offset"]) + int(entity["length"]) - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result
