"""Message catalogues (`locales/<lang>/*.toml`, one file per capability) and language resolution.

Messages are HTML (Telegram's parse mode). Every value passed to `t()` is escaped unless it is
wrapped in `Html`, so user text can never break the markup.
"""

from __future__ import annotations

import html
import string
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.domain.results import Reply

LANGUAGES = ("zh", "en")


class CatalogueError(Exception):
    """A catalogue is missing, unreadable, or disagrees with the other language; the message is one line."""


def locales_root() -> Traversable:
    """Where the catalogues are. Installed from a wheel or a zip they are `bot/locales` inside the package
    (the build maps the repository's top-level `locales/` there: pyproject.toml), read through
    importlib.resources; in a source tree or an editable install, the top-level folder itself."""
    packaged = resources.files("bot") / "locales"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "locales"


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
    """Every message of `lang`, from all of its files; a broken file raises `CatalogueError`."""
    folder = locales_root() / lang
    files = (
        sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
        if folder.is_dir()
        else []
    )
    if not files:
        raise CatalogueError(f"no message catalogue for {lang!r} in {folder}")
    merged: dict[str, str] = {}
    for entry in files:
        try:
            table = _flatten(tomllib.loads(entry.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{lang}/{entry.name}: {exc}") from exc
        clash = set(table) & set(merged)
        if clash:
            raise CatalogueError(f"{lang}/{entry.name}: keys defined twice: {sorted(clash)}")
        merged.update(table)
    return merged


def check_catalogues() -> int:
    """Load every language and compare them: each key in all languages, the same placeholders in each
    message. Returns the number of messages; raises `CatalogueError` naming the first few problems."""
    loaded = {lang: catalogue(lang) for lang in LANGUAGES}
    problems: list[str] = []
    first = LANGUAGES[0]
    for lang in LANGUAGES[1:]:
        for missing, present in ((lang, first), (first, lang)):
            gone = sorted(set(loaded[present]) - set(loaded[missing]))
            if gone:
                problems.append(f"{len(gone)} key(s) of {present} missing in {missing}: {', '.join(gone[:3])}")
        for key in sorted(set(loaded[first]) & set(loaded[lang])):
            try:
                ours, theirs = placeholders(loaded[first][key]), placeholders(loaded[lang][key])
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
                continue
            if ours != theirs:
                problems.append(f"{key}: placeholders {sorted(ours)} in {first}, {sorted(theirs)} in {lang}")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CatalogueError("message catalogues disagree: " + "; ".join(problems[:3]) + more)
    return len(loaded[first])


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


def reply_text(reply: Reply, lang: str) -> str:
    """A use case's `Reply` as the reader sees it: the text a rules module rendered, or the catalogue key in
    `lang`."""
    return reply.html if reply.html is not None else t(lang, reply.key, **reply.params)
