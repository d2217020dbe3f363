"""The base of every button payload (Telegram's callback data): a small typed value, packed and checked here.

A payload is `<prefix>:<field>:<field>…`. `unpack` validates every field — integers as 1–18 digits, a field
typed with an enum against that enum's values (a status, a meeting type…), any other text as a short token —
so a forged or stale payload never reaches a rule, the database or a catalogue: it is simply not matched, and
the capability's catch-all answers it like an expired button. Handlers register `pattern=Payload.matches`
and read the value with `Payload.unpack`; services build buttons with `Payload(...).pack()`.

Each capability declares its payloads in `bot/services/<capability>/buttons.py`; every subclass registers
itself here when its module is imported (`bot.services.registry` imports them all), so the list of every
payload (`kinds()`) is collected, not kept by hand, and two kinds can never share a prefix.
No Telegram here, and nothing else of the project.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import Any, ClassVar, Self, get_type_hints

#: Telegram refuses callback data longer than 64 bytes.
LIMIT = 64
_INT = re.compile(r"[0-9]{1,18}")
_TOKEN = re.compile(r"[A-Za-z0-9_]{1,16}")

_KINDS: dict[str, type[Payload]] = {}
_HINTS: dict[type, dict[str, Any]] = {}


class YesNo(StrEnum):
    """A yes-or-no answer a button carries (a claim's verdict, away for more than a month)."""

    YES = "yes"
    NO = "no"


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


@dataclass(frozen=True)
class Payload:
    """Base of every payload: subclasses set `PREFIX` and declare `int` fields, enum fields (the allowed
    values of a word) and plain `str` fields (a short ASCII token)."""

    PREFIX: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        known = _KINDS.get(cls.PREFIX)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"payload prefix {cls.PREFIX!r} of {cls.__qualname__} is taken by {known.__qualname__}")
        _KINDS[cls.PREFIX] = cls

    def pack(self) -> str:
        data = ":".join([self.PREFIX, *(str(getattr(self, f.name)) for f in fields(self))])
        if self.unpack(data) != self:  # a value out of its set, a colon in a word, over 64 bytes
            raise ValueError(f"not a valid {type(self).__name__}: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The payload `data` carries, or None when it is not one of this kind or a field is invalid."""
        if not isinstance(data, str) or len(data.encode()) > LIMIT:
            return None
        own = fields(cls)
        if not own:
            return cls() if data == cls.PREFIX else None
        if not data.startswith(cls.PREFIX + ":"):
            return None
        parts = data[len(cls.PREFIX) + 1 :].split(":")
        if len(parts) != len(own):
            return None
        hints = _hints(cls)
        values: dict[str, object] = {}
        for spec, raw in zip(own, parts, strict=True):
            kind = hints[spec.name]
            if kind is int:
                if not _INT.fullmatch(raw):
                    return None
                values[spec.name] = int(raw)
            elif isinstance(kind, type) and issubclass(kind, Enum):
                if raw not in kind._value2member_map_:
                    return None
                values[spec.name] = kind(raw)
            elif _TOKEN.fullmatch(raw):
                values[spec.name] = raw
            else:
                return None
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For `CallbackQueryHandler(pattern=...)`: whether `data` is a valid payload of this kind."""
        return cls.unpack(data) is not None

    @classmethod
    def choices(cls, name: str) -> tuple[str, ...] | None:
        """The allowed values of field `name` when an enum types it (None: an integer or a token)."""
        kind = _hints(cls)[name]
        return tuple(kind._value2member_map_) if isinstance(kind, type) and issubclass(kind, Enum) else None


def kinds() -> tuple[type[Payload], ...]:
    """Every payload kind declared so far, by prefix (all of them once `bot.services.registry` is imported)."""
    return tuple(_KINDS[prefix] for prefix in sorted(_KINDS))


def family(prefix: str) -> Callable[[object], bool]:
    """Any payload of a capability (valid or not): for the catch-all that answers stale buttons."""

    def match(data: object) -> bool:
        return isinstance(data, str) and (data == prefix or data.startswith(prefix + ":"))

    return match
