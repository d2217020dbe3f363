"""Bot API method implementations of the emulator (no HTTP here).

Each method is an ``api_<lower-case name>`` coroutine taking the request parameters and
returning the ``result`` or raising :class:`~bot.emulator.models.ApiError`. State lives in
:mod:`bot.emulator.state`, the HTTP layer in :mod:`bot.emulator.server`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from .models import (
    NOT_MODIFIED,
    BotMessage,
    Params,
    StoredFile,
    UploadedFile,
    bad_request,
    p_bool,
    p_int,
    p_json,
    p_str,
    parse_reply_markup,
)
from .state import EmulatorState

__all__ = ["SEND_METHODS", "EmulatorCore"]

SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendvoice",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
    }
)
_COMMAND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class EmulatorCore(EmulatorState):
    """The Bot API methods, on top of the emulator state and update queue."""

    # ----------------------------------------------------------------- sending
    async def api_sendmessage(self, params: Params) -> Any:
        self.check_rate(p_int(params, "chat_id"))
        chat_id = self._target(params)
        raw, text, entities = self._format(params, "text", caption=False)
        markup, keyboard = parse_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat_id, params)
        msg = self.store_message(
            chat_id,
            self.bot_user(),
            True,
            text=text,
            html=raw,
            entities=entities,
            reply_markup=markup,
            reply_keyboard=keyboard,
            reply_to=reply_to,
        )
        self.record_send(chat_id)
        self.deliver(chat_id, msg, "message")
        return msg.to_api()

    def _input_file(self, params: Params, field: str, folder: str) -> StoredFile:
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[9:])
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            return self.store_file(value.filename, value.data, folder, value.content_type)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self.store_file(value.rsplit("/", 1)[-1] or "file", b"", folder)
        if not value:
            raise bad_request(f"there is no {field} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def _send_file(self, params: Params, kind: str) -> Any:
        self.check_rate(p_int(params, "chat_id"))
        chat_id = self._target(params)
        stored = self._input_file(params, kind, {"document": "documents", "voice": "voice"}.get(kind, "photos"))
        raw, text, entities = self._format(params, "caption", caption=True)
        markup, keyboard = parse_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat_id, params)
        msg = self.store_message(
            chat_id,
            self.bot_user(),
            True,
            kind=kind,
            text=text,
            html=raw,
            entities=entities,
            reply_markup=markup,
            reply_keyboard=keyboard,
            files=[stored],
            reply_to=reply_to,
        )
        self.record_send(chat_id)
        self.deliver(chat_id, msg, kind)
        return msg.to_api()

    async def api_senddocument(self, params: Params) -> Any:
        return await self._send_file(params, "document")

    async def api_sendphoto(self, params: Params) -> Any:
        return await self._send_file(params, "photo")

    async def api_sendvoice(self, params: Params) -> Any:
        """A voice message: a new upload, or one already stored, by its file id (as the bot plays a voice
        thought report again)."""
        return await self._send_file(params, "voice")

    # ----------------------------------------------------------------- editing
    async def _edit(self, params: Params, what: str) -> Any:
        """editMessageText / editMessageCaption / editMessageReplyMarkup (``what``: text|caption|markup)."""
        self.check_rate(p_int(params, "chat_id"))
        if p_str(params, "inline_message_id"):
            if what != "markup":
                self._format(params, what, caption=what == "caption")
            parse_reply_markup(params.get("reply_markup"))
            self.record_send()
            return True
        chat_id = self._target(params)
        msg = self.get_message(chat_id, p_int(params, "message_id") or 0)
        if msg is None:
            raise bad_request("message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        if what == "text" and msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        if what == "caption" and msg.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        if what == "markup":
            raw, text, entities = msg.html, msg.text, msg.entities
        else:
            raw, text, entities = self._format(params, what, caption=what == "caption")
        markup, _ = parse_reply_markup(params.get("reply_markup"))
        if (text, entities, markup) == (msg.text, msg.entities, msg.reply_markup):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        msg.html, msg.text, msg.entities, msg.reply_markup = raw, text, entities, markup
        msg.edit_date = int(time.time())
        self.record_send(msg.chat_id)
        self.deliver(msg.chat_id, msg, "edit")
        return msg.to_api()

    async def api_editmessagetext(self, params: Params) -> Any:
        return await self._edit(params, "text")

    async def api_editmessagecaption(self, params: Params) -> Any:
        return await self._edit(params, "caption")

    async def api_editmessagereplymarkup(self, params: Params) -> Any:
        return await self._edit(params, "markup")

    async def api_deletemessage(self, params: Params) -> Any:
        chat_id = self._target(params)
        message_id = p_int(params, "message_id") or 0
        if self._messages.get(chat_id, {}).pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        self.deleted.append((chat_id, message_id))
        return True

    async def api_answercallbackquery(self, params: Params) -> Any:
        record = self.callbacks.pop(p_str(params, "callback_query_id") or "", None)
        if record is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p_str(params, "text")
        if text:
            alert = BotMessage(
                kind="alert",
                chat_id=record.chat_id,
                message_id=record.message_id,
                text=text,
                html=text,
                show_alert=p_bool(params, "show_alert"),
            )
            self.users[record.user_id].push(alert)
        return True

    async def api_sendchataction(self, params: Params) -> Any:
        self.chat_actions.append((self._target(params), p_str(params, "action") or ""))
        return True

    # ----------------------------------------------------------------- files & chats
    async def api_getfile(self, params: Params) -> Any:
        stored = self.files.get(p_str(params, "file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api()

    async def api_getchat(self, params: Params) -> Any:
        chat_id = p_int(params, "chat_id") or 0
        if not (chat_id in self.groups or (chat_id in self.users and self.users[chat_id].started)):
            raise bad_request("chat not found")
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **self.chat_object(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def api_getchatmember(self, params: Params) -> Any:
        chat_id, user_id = p_int(params, "chat_id") or 0, p_int(params, "user_id") or 0
        if chat_id not in self.groups and chat_id not in self.users:
            raise bad_request("chat not found")
        if user_id == self.bot_id:
            return {"status": "member", "user": self.bot_user()}
        if user_id not in self.users:
            raise bad_request("user not found")
        user = self.users[user_id].user_object()
        group = self.groups.get(chat_id)
        if group is None:
            return {"status": "member" if chat_id == user_id else "left", "user": user}
        if user_id == group.owner_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in group.admins:
            rights = (
                "can_be_edited",
                "is_anonymous",
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            )
            return {"status": "administrator", "user": user, **dict.fromkeys(rights, False)}
        return {"status": "member" if user_id in group.members else "left", "user": user}

    # ----------------------------------------------------------------- bot settings
    async def api_getme(self, params: Params) -> Any:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @staticmethod
    def _command_key(params: Params) -> tuple[str, str]:
        scope = p_json(params, "scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p_str(params, "language_code") or ""

    async def api_setmycommands(self, params: Params) -> Any:
        commands = p_json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for cmd in commands:
            name = str(cmd.get("command", "")) if isinstance(cmd, dict) else ""
            if not 1 <= len(name) <= 32 or not set(name) <= _COMMAND_CHARS:
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def api_getmycommands(self, params: Params) -> Any:
        return self.commands.get(self._command_key(params), [])

    async def api_deletemycommands(self, params: Params) -> Any:
        self.commands.pop(self._command_key(params), None)
        return True

    async def api_setchatmenubutton(self, params: Params) -> Any:
        self.menu_buttons[p_int(params, "chat_id")] = p_json(params, "menu_button") or {"type": "default"}
        return True

    async def api_getchatmenubutton(self, params: Params) -> Any:
        return self.menu_buttons.get(p_int(params, "chat_id"), self.menu_buttons.get(None, {"type": "default"}))
