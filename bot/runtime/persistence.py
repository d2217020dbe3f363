"""Conversations survive a restart (issue 16): python-telegram-bot's persistence interface over our SQLite
database, as JSON — no pickle files.

What is kept: each persistent ConversationHandler's states (where a person is in /notice, /report, /status,
/patrol, /mediate, /minutes, /visit …, or the reason asked for a leave) and `user_data`, which holds the
drafts those commands keep between messages. Not kept: `bot_data` (the services, rebuilt at start),
`chat_data` (unused), callback data (our buttons carry their own typed payloads, each capability's
`buttons` module).

PTB collects what changed and hands it over every `update_interval` seconds (`PERSISTENCE_SECONDS`, default
2) and once more when the application stops; all the changes of one hand-over are written in one
transaction. So a normal stop or restart loses nothing, and a crash (power cut, kill -9) loses at most the
steps of the last `PERSISTENCE_SECONDS`.

Drafts are typed (`bot.domain.drafts`): each is kept under its stable name and version, as JSON of its
fields, and only registered drafts (with the enums their fields are typed with) are rebuilt — no stored
name is ever imported or called. A value of any other kind is not stored (logged by its type, never its
content). A draft stored by an older version (`bot.runtime.legacy_drafts`) is read into today's draft; one
of an unknown name or an incompatible version is dropped with a log line (never its content), and the
person starts that step over.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.domain import drafts
from bot.domain.drafts import Draft, DraftRefused
from bot.runtime import legacy_drafts
from bot.services import registry
from bot.store import Store
from bot.store.db import utcnow

log = logging.getLogger(__name__)

#: Every draft a person may have in progress (imported so that all of them are registered before any is read).
FLOWS = registry.FLOWS


class UnstorableValue(TypeError):
    """A value in user_data that is not a registered draft."""


def encode(value: object) -> dict[str, Any]:
    """The JSON-ready form of a draft: its stable name, version and fields."""
    if not isinstance(value, Draft):
        raise UnstorableValue(type(value).__qualname__)
    try:
        return drafts.dump(value)
    except DraftRefused as exc:
        raise UnstorableValue(str(exc)) from None


def decode(key: str, value: Any) -> Draft:
    """The draft stored under `key`: by its name and version, or as an older version kept it; DraftRefused
    (or the ValueError of a malformed date) when it is not restored."""
    if isinstance(value, dict) and "$draft" in value:
        name, version, fields = value.get("$draft"), value.get("version"), value.get("fields")
        if not (isinstance(name, str) and isinstance(version, int) and isinstance(fields, dict)):
            raise DraftRefused("a malformed draft")
        return drafts.restore(name, version, fields)
    name, fields = legacy_drafts.read(key, value)
    return drafts.restore(name, 1, fields)


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
    """A person's drafts, each under its stable name; one that is not restored is dropped and logged (by its
    key and why, never its content), and that step starts over."""
    out: dict[Any, Any] = {}
    for key, value in json.loads(text).items():
        try:
            draft = decode(key, value)
        except (ValueError, TypeError) as exc:  # DraftRefused is a ValueError
            why = str(exc) if isinstance(exc, DraftRefused) else f"malformed ({type(exc).__name__})"
            log.warning("user_data %s dropped, its step starts over: %s", key, why)
            continue
        out[draft.flow_name()] = draft
    return out


class SqlitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's persistence interface over `Store.conversations`."""

    def __init__(self, store: Store, update_interval: float = 2.0, timeouts: Mapping[str, float] | None = None) -> None:
        """`timeouts`: the conversation time-out of handlers that have one, by name. PTB does not keep
        time-out jobs across a restart, so a conversation idle for longer is not restored at all."""
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
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
