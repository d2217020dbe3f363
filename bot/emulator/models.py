"""Data types shared by the Bot API emulator and its driver, plus request-parameter helpers.

Bot API parameters arrive as strings (form or multipart bodies, nested objects JSON-encoded)
or as native JSON values (``application/json`` bodies); the ``p_*`` helpers accept both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "BotMessage",
    "Button",
    "CallbackRecord",
    "Params",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
    "buttons_of",
    "p_bool",
    "p_int",
    "p_json",
    "p_str",
    "parse_reply_markup",
]

Params = dict[str, Any]
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API refusal: becomes ``{"ok": false, "error_code": status, ...}``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(detail: str) -> ApiError:
    """Shorthand for a 400 ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class CallbackRecord:
    """A callback query waiting for answerCallbackQuery."""

    user_id: int
    chat_id: int
    message_id: int


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    name: str
    data: bytes
    mime_type: str = "application/octet-stream"

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``File`` object (getFile result)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """What a user (or group) received from the bot: a message, an edit, a file or an alert.

    ``text`` is the visible text (for documents/photos: the visible caption), ``html`` the raw
    text as sent. ``document_name``/``document_bytes`` hold the file of documents and photos.
    """

    kind: str  # "message" | "edit" | "document" | "photo" | "alert"
    chat_id: int
    message_id: int
    text: str = ""
    html: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    document_name: str | None = None
    document_bytes: bytes | None = None
    caption: str | None = None
    show_alert: bool = False
    reply_keyboard: list[list[str]] = field(default_factory=list)

    def labels(self) -> list[str]:
        """Texts of all inline buttons, row by row."""
        return [b.text for row in self.buttons for b in row]

    def button(self, label_substring: str) -> Button:
        """The button whose text equals, or else contains, ``label_substring``."""
        flat = [b for row in self.buttons for b in row]
        for candidate in [b for b in flat if b.text == label_substring] + [
            b for b in flat if label_substring in b.text
        ]:
            return candidate
        raise AssertionError(
            f"no button containing {label_substring!r} in message "
            f"{self.message_id} ({self.text[:80]!r}); buttons: {self.labels()}"
        )

    def __str__(self) -> str:
        extra = f" buttons={self.labels()}" if self.buttons else ""
        name = f" file={self.document_name!r}" if self.document_name else ""
        return f"<{self.kind} #{self.message_id} in {self.chat_id}: {self.text!r}{name}{extra}>"


def buttons_of(markup: dict[str, Any] | None) -> list[list[Button]]:
    """Inline keyboard of a (validated) reply_markup as Button rows."""
    if not markup:
        return []
    return [
        [Button(b["text"], b.get("callback_data"), b.get("url")) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]


@dataclass
class StoredMessage:
    """Current state of a message in a chat (bot or user message)."""

    chat: dict[str, Any]
    message_id: int
    date: int
    sender: dict[str, Any]
    from_bot: bool
    kind: str = "text"  # "text" | "document" | "photo"
    text: str = ""  # visible text, or visible caption for documents and photos
    html: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    reply_keyboard: list[list[str]] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    reply_to: int | None = None
    edit_date: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[list[Button]]:
        return buttons_of(self.reply_markup)

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``Message`` object."""
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": dict(self.chat),
            "from": dict(self.sender),
        }
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.kind == "text":
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        else:
            if self.text:
                out["caption"] = self.text
            if self.entities:
                out["caption_entities"] = self.entities
        if self.kind == "document" and self.files:
            f = self.files[0]
            out["document"] = {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_name": f.name,
                "mime_type": f.mime_type,
                "file_size": len(f.data),
            }
        elif self.kind == "voice" and self.files:
            f = self.files[0]
            out["voice"] = {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "duration": 5,
                "mime_type": "audio/ogg",
                "file_size": len(f.data),
            }
        elif self.kind == "sticker" and self.files:
            f = self.files[0]
            out["sticker"] = {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        elif self.kind == "photo":
            out["photo"] = [
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "width": 90 * (i * 8 + 1),
                    "height": 60 * (i * 8 + 1),
                    "file_size": len(f.data),
                }
                for i, f in enumerate(self.files)
            ]
        if self.reply_markup:
            out["reply_markup"] = self.reply_markup
        out.update(self.extra)
        return out

    def snapshot(self, kind: str) -> BotMessage:
        """Freeze the current state as what the recipient sees."""
        is_file = self.kind != "text"
        first = self.files[-1] if self.files else None
        return BotMessage(
            kind=kind,
            chat_id=self.chat_id,
            message_id=self.message_id,
            text=self.text,
            html=self.html,
            buttons=self.buttons,
            document_name=first.name if first else None,
            document_bytes=first.data if first else None,
            caption=self.text if is_file else None,
            reply_keyboard=[list(r) for r in self.reply_keyboard],
        )


def p_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, UploadedFile):
        return None
    return (
        value
        if isinstance(value, str)
        else json.dumps(value)
        if isinstance(value, dict | list)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def p_int(params: Params, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f'invalid {name} specified: "{value}"') from None


def p_bool(params: Params, name: str) -> bool:
    value = params.get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def p_json(params: Params, name: str) -> Any:
    """A nested object parameter: JSON string (form/multipart) or native value (JSON body)."""
    value = params.get(name)
    if isinstance(value, str):
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def _check_button(b: Any) -> dict[str, Any]:
    if not isinstance(b, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = b.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if "callback_data" in b:
        data = b["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in b:
        url = b["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    elif not any(
        k in b
        for k in (
            "web_app",
            "login_url",
            "switch_inline_query",
            "pay",
            "copy_text",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "callback_game",
        )
    ):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    return dict(b)


def parse_reply_markup(raw: Any) -> tuple[dict[str, Any] | None, list[list[str]]]:
    """Validate a reply_markup; return (inline markup or None, reply keyboard texts)."""
    if raw is None or raw == "":
        return None, []
    markup = p_json({"reply_markup": raw}, "reply_markup")
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        if sum(len(r) for r in rows) > 100:
            raise bad_request("reply markup is too long")
        checked = [[_check_button(b) for b in row] for row in rows if row]
        return ({"inline_keyboard": checked} if checked else None), []
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        texts = [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]
        if any(not t for row in texts for t in row):
            raise bad_request("can't parse keyboard button: Text must be non-empty")
        return None, texts
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None, []
    raise bad_request('can\'t find field "inline_keyboard"')
