"""Emulator state: users, groups, chats, messages, files, rate limiting and send validation.

:class:`EmulatorState` sits between the update queue (:mod:`bot.emulator.updates`) and the Bot
API methods (:mod:`bot.emulator.core`); the driver (:mod:`bot.emulator.driver`) calls its
``store_message`` / ``store_file`` / ``new_callback`` / ``queue_update`` directly.
"""

from __future__ import annotations

import itertools
import math
import mimetypes
import time
from collections import Counter, deque
from typing import Any

from .driver import EmuGroup, EmuUser
from .html import HtmlError, parse_html, strip_text, utf16_len
from .models import (
    ApiError,
    CallbackRecord,
    Params,
    StoredFile,
    StoredMessage,
    bad_request,
    p_bool,
    p_int,
    p_json,
    p_str,
)
from .updates import UpdateQueue

__all__ = ["EmulatorState"]


#: Telegram's per-chat limits, as the emulator enforces them with ``chat_limits``.
PRIVATE_BURST = 5
GROUP_PER_MINUTE = 20


class EmulatorState(UpdateQueue):
    """Users, groups, chats, messages and files, plus the checks every send goes through."""

    def __init__(
        self,
        bot_id: int = 7000000001,
        bot_name: str = "Zhibu",
        bot_username: str = "zhibu_bot",
        rate_limit: float | None = None,
        chat_limits: bool = False,
    ) -> None:
        super().__init__()
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.bot_username = bot_username
        self.rate_limit = rate_limit
        #: Telegram's per-chat limits too: a private chat takes a burst of PRIVATE_BURST, then one a second; a
        #: group GROUP_PER_MINUTE in any sliding minute. Off by default so that ordinary tests stay fast.
        self.chat_limits = chat_limits
        self._private: dict[int, tuple[float, float]] = {}  # chat → (tokens, at)
        self._group_sends: dict[int, deque[float]] = {}
        self.users: dict[int, EmuUser] = {}
        self.groups: dict[int, EmuGroup] = {}
        self.stats: Counter[str] = Counter()
        self.calls: list[tuple[str, Params]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, Any] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, int]] = []
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._counters: dict[int, int] = {}
        self._sends: deque[float] = deque()
        self._ids = itertools.count(1)

    # ----------------------------------------------------------------- registration
    def add_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str = "zh",
        username: str | None = None,
        last_name: str | None = None,
    ) -> EmuUser:
        """Register a Telegram user (idempotent: returns the existing one)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        if user_id not in self.users:
            self.users[user_id] = EmuUser(self, user_id, first_name, language_code, username, last_name)
        return self.users[user_id]

    def add_group(self, chat_id: int, title: str) -> EmuGroup:
        """Register a group chat (negative id) that accepts the bot's messages."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id not in self.groups:
            self.groups[chat_id] = EmuGroup(self, chat_id, title)
        return self.groups[chat_id]

    def block(self, user_id: int) -> None:
        self.users[user_id].blocked = True

    def unblock(self, user_id: int) -> None:
        self.users[user_id].blocked = False

    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_name, "username": self.bot_username}

    def chat_object(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return self.users[chat_id].chat_object()
        return self.groups[chat_id].chat_object()

    # ----------------------------------------------------------------- messages
    def chat_messages(self, chat_id: int, include_user: bool = False) -> list[StoredMessage]:
        """Current state of the bot's messages in a chat (and the users' with ``include_user``)."""
        return [m for m in self._messages.get(chat_id, {}).values() if m.from_bot or include_user]

    def get_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def store_message(self, chat_id: int, sender: dict[str, Any], from_bot: bool, **fields: Any) -> StoredMessage:
        """Create a message with the chat's next message_id (shared by bot and users)."""
        self._counters[chat_id] = self._counters.get(chat_id, 0) + 1
        msg = StoredMessage(
            chat=self.chat_object(chat_id),
            message_id=self._counters[chat_id],
            date=int(time.time()),
            sender=sender,
            from_bot=from_bot,
            **fields,
        )
        self._messages.setdefault(chat_id, {})[msg.message_id] = msg
        return msg

    def store_file(self, name: str, data: bytes, folder: str, mime_type: str | None = None) -> StoredFile:
        n = next(self._ids)
        ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
        f = StoredFile(
            file_id=f"EMU{folder[:3].upper()}{n:08d}",
            file_unique_id=f"emuU{n:06d}",
            file_path=f"{folder}/file_{n}.{ext}",
            name=name,
            data=data,
            mime_type=mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
        self.files[f.file_id] = f
        return f

    def new_callback(self, user_id: int, chat_id: int, message_id: int) -> str:
        """Register a callback query id that answerCallbackQuery must then answer."""
        query_id = f"{self.bot_id % 10**6}{next(self._ids):010d}"
        self.callbacks[query_id] = CallbackRecord(user_id, chat_id, message_id)
        return query_id

    def deliver(self, chat_id: int, msg: StoredMessage, kind: str) -> None:
        target = self.users.get(chat_id) if chat_id > 0 else self.groups.get(chat_id)
        if target is not None:
            target.push(msg.snapshot(kind))

    # ----------------------------------------------------------------- validation helpers
    def _target(self, params: Params) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if chat_id > 0:
            user = self.users.get(chat_id)
            if user is None:
                raise bad_request("chat not found")
            if user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat_id not in self.groups:
            raise bad_request("chat not found")
        return chat_id

    def check_rate(self, chat_id: int | None = None) -> None:
        """Refuse with 429 when one more send would exceed ``rate_limit`` in any sliding second, or, with
        ``chat_limits``, the chat's own limit."""
        now = time.monotonic()
        if self.rate_limit:
            capacity = max(1, math.floor(self.rate_limit))
            while self._sends and self._sends[0] <= now - 1.0:
                self._sends.popleft()
            if len(self._sends) >= capacity:
                self._too_many(self._sends[0] + 1.0 - now)
        if not self.chat_limits or chat_id is None:
            return
        if chat_id > 0:
            tokens, at = self._private.get(chat_id, (PRIVATE_BURST, now))
            if min(PRIVATE_BURST, tokens + (now - at)) < 1:
                self._too_many(1.0)
        else:
            recent = self._group_sends.setdefault(chat_id, deque())
            while recent and recent[0] <= now - 60.0:
                recent.popleft()
            if len(recent) >= GROUP_PER_MINUTE:
                self._too_many(recent[0] + 60.0 - now)

    @staticmethod
    def _too_many(wait: float) -> None:
        retry = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def record_send(self, chat_id: int | None = None) -> None:
        now = time.monotonic()
        self._sends.append(now)
        self.stats["sent"] += 1
        if chat_id is None:
            return
        if chat_id > 0:
            tokens, at = self._private.get(chat_id, (PRIVATE_BURST, now))
            self._private[chat_id] = (min(PRIVATE_BURST, tokens + (now - at)) - 1, now)
        else:
            self._group_sends.setdefault(chat_id, deque()).append(now)

    def _format(self, params: Params, name: str, caption: bool) -> tuple[str, str, list[dict[str, Any]]]:
        """Return (raw, visible text, entities) for ``text``/``caption`` honouring parse_mode."""
        raw = p_str(params, name) or ""
        mode = (p_str(params, "parse_mode") or "").lower()
        entities: list[dict[str, Any]] = []
        if mode == "html":
            try:
                text, entities = parse_html(raw)
            except HtmlError as exc:
                raise bad_request(f"can't parse entities: {exc.description}") from None
        elif mode in ("", "markdown", "markdownv2"):  # Markdown is taken literally (not emulated)
            text = raw
            given = p_json(params, "caption_entities" if caption else "entities")
            entities = list(given) if isinstance(given, list) else []
        else:
            raise bad_request("unsupported parse_mode")
        text, entities = strip_text(text, entities)
        limit = 1024 if caption else 4096
        if not text and not caption:
            raise bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        return raw, text, entities

    def _reply_to(self, chat_id: int, params: Params) -> int | None:
        reply = p_json(params, "reply_parameters")
        msg_id = p_int(params, "reply_to_message_id")
        allow = p_bool(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            msg_id = int(reply.get("message_id", 0))
            allow = allow or bool(reply.get("allow_sending_without_reply"))
        if msg_id is None or self.get_message(chat_id, msg_id) is not None:
            return msg_id
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)
