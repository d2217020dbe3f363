"""Conversations survive a restart (issue 16): python-telegram-bot's persistence interface over our SQLite
database, as JSON — no pickle files.

What is kept: each persistent ConversationHandler's states (where a person is in /notice, /report, /status,
/patrol or /mediate, or the reason asked for a leave) and `user_data`, which holds the drafts those commands
keep between messages. Not kept: `bot_data` (the services, rebuilt at start), `chat_data` (unused), callback
data (our buttons carry their own typed payloads, `bot/buttons.py`).

PTB collects what changed and hands it over every `update_interval` seconds (`PERSISTENCE_SECONDS`, default
2) and once more when the application stops; all the changes of one hand-over are written in one
transaction. So a normal stop or restart loses nothing, and a crash (power cut, kill -9) loses at most the
steps of the last `PERSISTENCE_SECONDS`.

Drafts are plain values: str, int, float, bool, None, lists, tuples, dicts, dates, datetimes, and frozen
dataclasses of `bot.services` (rebuilt by name, only from that package). A value of any other type is not
stored (logged by its type, never its content), so a draft that cannot be kept is dropped, not crashed on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.store import Store
from bot.store.db import utcnow

log = logging.getLogger(__name__)

_ALLOWED_PREFIX = "bot.services."


class UnstorableValue(TypeError):
    """A value a draft holds that is not one of the plain types above."""


def encode(value: object) -> Any:
    """A JSON-ready form of a draft value; tagged where JSON has no type of its own."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise UnstorableValue("dict with keys that are not text")
        return {"$dict": {k: encode(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        if not kind.__module__.startswith(_ALLOWED_PREFIX):
            raise UnstorableValue(f"{kind.__module__}.{kind.__qualname__}")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$data": f"{kind.__module__}:{kind.__qualname__}", "fields": fields}
    if hasattr(value, "value") and type(value).__module__.startswith(_ALLOWED_PREFIX):  # an enum member
        return {"$enum": f"{type(value).__module__}:{type(value).__qualname__}", "value": encode(value.value)}
    raise UnstorableValue(type(value).__qualname__)


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$tuple" in value:
        return tuple(decode(v) for v in value["$tuple"])
    if "$dict" in value:
        return {k: decode(v) for k, v in value["$dict"].items()}
    if "$data" in value or "$enum" in value:
        module_name, _, name = (value.get("$data") or value["$enum"]).partition(":")
        if not module_name.startswith(_ALLOWED_PREFIX):
            raise UnstorableValue(module_name)
        kind: Any = getattr(importlib.import_module(module_name), name)
        if "$enum" in value:
            return kind(decode(value["value"]))
        if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
            raise UnstorableValue(name)
        build: Any = kind
        return build(**{k: decode(v) for k, v in value["fields"].items()})
    raise UnstorableValue("an untagged object")


def dump_user_data(data: dict[Any, Any]) -> str | None:
    """The JSON of one person's user_data (None when there is nothing to keep); values that cannot be
    stored are left out and logged by type."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        try:
            kept[str(key)] = encode(value)
        except UnstorableValue as exc:
            log.warning("user_data %s not kept across restarts: %s", key, exc)
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def load_user_data(text: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in json.loads(text).items():
        try:
            out[key] = decode(value)
        except (UnstorableValue, ImportError, AttributeError, TypeError, ValueError) as exc:
            # the code changed since it was stored (a draft type renamed): the step starts over
            log.warning("user_data %s stored by an older version dropped: %s", key, exc)
    return out


class SqlitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's persistence interface over `Store.conversations`."""

    def __init__(self, store: Store, update_interval: float = 2.0,
                 timeouts: Mapping[str, float] | None = None) -> None:
        """`timeouts`: the conversation time-out of handlers that have one, by name. PTB does not keep
        time-out jobs across a restart, so a conversation idle for longer is not restored at all."""
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False), update_interval=update_interval)
        self.store = store
        self.timeouts = dict(timeouts or {})
        self._states: dict[tuple[str, str], str | None] = {}
        self._users: dict[int, str | None] = {}
        self._writing: asyncio.Future[None] | None = None

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {user_id: load_user_data(text) for user_id, text in (await self.store.conversations.user_data()).items()}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        out: dict[ConversationKey, object] = {}
        timeout = self.timeouts.get(name)
        since = utcnow() - timedelta(seconds=timeout) if timeout else None
        for key, state in (await self.store.conversations.states(name, since)).items():
            out[tuple(json.loads(key))] = json.loads(state)
        return out

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        self._states[(name, json.dumps(list(key)))] = None if new_state is None else json.dumps(new_state)
        await self._write()

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._users[user_id] = dump_user_data(data)
        await self._write()

    async def drop_user_data(self, user_id: int) -> None:
        self._users[user_id] = None
        await self._write()

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        await self._write()

    async def _write(self) -> None:
        """PTB hands the changes over one call each, all started at once: the first call waits one turn of
        the loop so that the others add theirs, then one transaction writes them all; every call returns
        when its change is written."""
        if self._writing is None:
            self._writing = asyncio.ensure_future(self._write_all())
        await asyncio.shield(self._writing)

    async def _write_all(self) -> None:
        try:
            await asyncio.sleep(0)
            states, users = self._states, self._users
            self._states, self._users = {}, {}
        finally:
            self._writing = None
        await self.store.conversations.save(states, users)
