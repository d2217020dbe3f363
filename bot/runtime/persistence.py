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

_ALLOWED_PREFIXES = ("bot.services.", "bot.domain.")

#: Where each module of a draft's type lived before the capability packages (issue 22): a draft saved by the
#: version before that move names its types by these paths, and is still restored.
LEGACY_MODULES: dict[str, str] = {
    "bot.services.backup": "bot.ops.backup",
    "bot.services.care": "bot.services.care.common",
    "bot.services.care_export": "bot.services.care.export",
    "bot.services.care_reminders": "bot.services.care.reminders",
    "bot.services.care_rules": "bot.services.care.rules",
    "bot.services.care_steps": "bot.services.care.steps",
    "bot.services.care_visits": "bot.services.care.visits",
    "bot.services.commands": "bot.services.kernel.commands",
    "bot.services.core": "bot.services.registry",
    "bot.services.digest": "bot.services.kernel.digest",
    "bot.services.due_meetings": "bot.services.notices.due",
    "bot.services.due_reports": "bot.services.reports.due",
    "bot.services.due_times": "bot.services.kernel.due_times",
    "bot.services.duty": "bot.services.duty.common",
    "bot.services.duty_accounts": "bot.services.duty.accounts",
    "bot.services.duty_catalogue": "bot.services.duty.catalogue",
    "bot.services.duty_claims": "bot.services.duty.claims",
    "bot.services.duty_entry": "bot.services.duty.entry",
    "bot.services.duty_export": "bot.services.duty.export",
    "bot.services.duty_flow": "bot.services.duty.flow",
    "bot.services.duty_followup": "bot.services.duty.followup",
    "bot.services.duty_log": "bot.services.duty.log",
    "bot.services.duty_month": "bot.services.duty.month",
    "bot.services.duty_points": "bot.services.duty.points",
    "bot.services.duty_posts": "bot.services.duty.posts",
    "bot.services.duty_publicity": "bot.services.duty.publicity",
    "bot.services.duty_review": "bot.services.duty.review",
    "bot.services.duty_rules": "bot.services.duty.rules",
    "bot.services.duty_view": "bot.services.duty.view",
    "bot.services.export": "bot.services.exports.export",
    "bot.services.export_reports": "bot.services.reports.export",
    "bot.services.export_time": "bot.services.kernel.export_time",
    "bot.services.health": "bot.ops.health",
    "bot.services.households": "bot.services.households.common",
    "bot.services.households_due": "bot.services.households.due",
    "bot.services.households_export": "bot.services.households.export",
    "bot.services.households_import": "bot.services.households.importing",
    "bot.services.households_visit": "bot.services.households.visit",
    "bot.services.invites": "bot.services.members.invites",
    "bot.services.ledger": "bot.services.ledger.overview",
    "bot.services.ledger_grid": "bot.services.ledger.grid",
    "bot.services.ledger_nudges": "bot.services.ledger.nudges",
    "bot.services.ledger_rules": "bot.domain.ledger",
    "bot.services.ledger_text": "bot.services.ledger.text",
    "bot.services.minutes": "bot.services.minutes.flow",
    "bot.services.minutes_export": "bot.services.minutes.export",
    "bot.services.minutes_rules": "bot.services.minutes.rules",
    "bot.services.minutes_text": "bot.services.minutes.text",
    "bot.services.notices": "bot.services.notices.common",
    "bot.services.notices_attendance": "bot.services.notices.attendance",
    "bot.services.notices_audience": "bot.services.notices.audience",
    "bot.services.notices_broadcast": "bot.services.notices.broadcast",
    "bot.services.notices_compose": "bot.services.notices.compose",
    "bot.services.notices_edits": "bot.services.notices.edits",
    "bot.services.notices_export": "bot.services.notices.export",
    "bot.services.notices_leave": "bot.services.notices.leave",
    "bot.services.notices_ledger": "bot.services.notices.ledger",
    "bot.services.notices_manage": "bot.services.notices.manage",
    "bot.services.notices_text": "bot.services.notices.text",
    "bot.services.ops": "bot.ops.common",
    "bot.services.ops_lock": "bot.ops.lock",
    "bot.services.ops_logging": "bot.ops.logs",
    "bot.services.organisation": "bot.services.members.organisation",
    "bot.services.organisation_rules": "bot.domain.organisation",
    "bot.services.organisation_text": "bot.services.members.organisation_text",
    "bot.services.pages": "bot.services.kernel.pages",
    "bot.services.people": "bot.services.members.people",
    "bot.services.periods": "bot.domain.periods",
    "bot.services.reminders": "bot.services.kernel.reminders",
    "bot.services.reports": "bot.services.reports.common",
    "bot.services.reports_contact": "bot.services.reports.contact",
    "bot.services.reports_mobile": "bot.services.reports.mobile",
    "bot.services.reports_read": "bot.services.reports.read",
    "bot.services.reports_view": "bot.services.reports.view",
    "bot.services.reports_write": "bot.services.reports.write",
    "bot.services.requests": "bot.services.households.requests",
    "bot.services.requests_flow": "bot.services.households.requests_flow",
    "bot.services.requests_rules": "bot.services.households.requests_rules",
    "bot.services.restore": "bot.ops.restore",
    "bot.services.results": "bot.domain.results",
    "bot.services.rights": "bot.domain.rights",
    "bot.services.roster": "bot.services.members.roster",
    "bot.services.roster_columns": "bot.services.members.roster_columns",
    "bot.services.roster_headers": "bot.services.members.roster_headers",
    "bot.services.roster_import": "bot.services.members.roster_import",
    "bot.services.roster_values": "bot.services.members.roster_values",
    "bot.services.status": "bot.services.reports.status",
    "bot.services.status_members": "bot.services.reports.status_members",
    "bot.services.status_steps": "bot.services.reports.status_steps",
    "bot.services.text": "bot.services.kernel.text",
    "bot.services.xlsx": "bot.services.exports.workbook",
    "bot.services.xlsx_book": "bot.services.kernel.xlsx_book",
    "bot.services.xlsx_care": "bot.services.care.sheet",
    "bot.services.xlsx_context": "bot.services.kernel.xlsx_context",
    "bot.services.xlsx_duty": "bot.services.duty.sheet",
    "bot.services.xlsx_grid": "bot.services.ledger.sheet",
    "bot.services.xlsx_households": "bot.services.households.sheet",
    "bot.services.xlsx_meetings": "bot.services.notices.sheet",
    "bot.services.xlsx_people": "bot.services.members.sheet",
    "bot.services.xlsx_posts": "bot.services.duty.sheet_posts",
    "bot.services.xlsx_stats": "bot.services.exports.stats",
}


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
        if not kind.__module__.startswith(_ALLOWED_PREFIXES):
            raise UnstorableValue(f"{kind.__module__}.{kind.__qualname__}")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$data": f"{kind.__module__}:{kind.__qualname__}", "fields": fields}
    if hasattr(value, "value") and type(value).__module__.startswith(_ALLOWED_PREFIXES):  # an enum member
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
        module_name = LEGACY_MODULES.get(module_name, module_name)
        if not module_name.startswith(_ALLOWED_PREFIXES):
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
