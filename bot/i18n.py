"""Message catalogues (`locales/<lang>/*.toml`, one file per capability) and language resolution.

Messages are HTML (Telegram's parse mode). Every value passed to `t()` is escaped unless it is
wrapped in `Html`, so user text can never break the markup.
"""

from __future__ import annotations

import html
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class Html(str):
    """A value that is already safe HTML (built from escaped parts); `t()` inserts it as is."""


def escape(value: object) -> str:
    return html.escape(str(value), quote=False)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            table = _flatten(tomllib.load(fh))
        clash = set(table) & set(merged)
        if clash:
            raise ValueError(f"{path}: keys defined twice: {sorted(clash)}")
        merged.update(table)
    return merged


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang` (falling back to zh), with escaped values filled in."""
    template = catalogue(lang if lang in LANGUAGES else "zh").get(key)
    if template is None:
        template = catalogue("zh")[key]
    safe = {k: v if isinstance(v, Html) else escape(v) for k, v in params.items()}
    return template.format(**safe)


def has(key: str) -> bool:
    return key in catalogue("zh")


def resolve_language(own_choice: str | None, telegram_code: str | None, default: str) -> str:
    """Own choice first, then Telegram's language, then DEFAULT_LANGUAGE."""
    if own_choice in LANGUAGES:
        return own_choice
    if telegram_code:
        base = telegram_code.lower().split("-")[0]
        if base in LANGUAGES:
            return base
    return default if default in LANGUAGES else "zh"
