"""In-process test/sandbox driver: emulated Telegram users and groups talking to the bot.

``EmuUser`` and ``EmuGroup`` are created by ``BotApiEmulator.add_user`` / ``add_group`` and act
on the emulator object directly (no HTTP): ``send``/``press`` queue updates for the bot's
getUpdates; everything the bot sends, edits or alerts lands in their inbox, read with
``next_message`` / ``expect`` / ``no_message`` / ``drain``.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Protocol

from .models import BotMessage, Button, StoredFile, StoredMessage

__all__ = ["ChatBackend", "EmuGroup", "EmuUser", "Inbox"]

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"


class ChatBackend(Protocol):
    """What users and groups need of the emulator: the emulator's state (:mod:`bot.emulator.state`) is one.
    Declared here, below the state, so that the state may create users without the two importing each other."""

    bot_id: int

    def store_message(self, chat_id: int, sender: dict[str, Any], from_bot: bool, **fields: Any) -> StoredMessage: ...

    def store_file(self, name: str, data: bytes, folder: str, mime_type: str | None = None) -> StoredFile: ...

    def chat_messages(self, chat_id: int, include_user: bool = False) -> list[StoredMessage]: ...

    def get_message(self, chat_id: int, message_id: int) -> StoredMessage | None: ...

    def new_callback(self, user_id: int, chat_id: int, message_id: int) -> str: ...

    def queue_update(self, body: dict[str, Any]) -> int: ...

    def redeliver(self, update_id: int) -> None: ...


class Inbox:
    """What the bot sent to one chat, in arrival order."""

    def __init__(self, label: str) -> None:
        self.inbox: asyncio.Queue[BotMessage] = asyncio.Queue()
        self.received: list[BotMessage] = []  # everything ever delivered (for diagnostics)
        self._label = label

    @property
    def label(self) -> str:
        """Who this inbox is, for messages: ``user 1001 (王书记)``, ``group -100 (一村党支部群)``."""
        return self._label

    def push(self, msg: BotMessage) -> None:
        """Deliver ``msg`` (called by the emulator)."""
        self.inbox.put_nowait(msg)
        self.received.append(msg)

    def _history(self) -> str:
        recent = "\n  ".join(str(m) for m in self.received[-5:]) or "(nothing)"
        return f"last messages received by {self._label}:\n  {recent}"

    async def next_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        kind: str | tuple[str, ...] | None = None,
    ) -> BotMessage:
        """Wait for the next delivered item (discarding kinds other than ``kind`` if given)."""
        kinds = (kind,) if isinstance(kind, str) else kind
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        skipped: list[BotMessage] = []
        while True:
            try:
                msg = self.inbox.get_nowait()
            except asyncio.QueueEmpty:
                remaining = deadline - loop.time()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    msg = await asyncio.wait_for(self.inbox.get(), remaining)
                except TimeoutError:
                    wanted = "/".join(kinds) if kinds else "message"
                    skip = f" (skipped: {[str(m) for m in skipped]})" if skipped else ""
                    raise AssertionError(
                        f"{self._label}: no {wanted} from the bot within {timeout}s{skip}; {self._history()}"
                    ) from None
            if kinds is None or msg.kind in kinds:
                return msg
            skipped.append(msg)

    async def expect(
        self,
        substring: str,
        timeout: float = 5.0,  # noqa: ASYNC109
        kind: str | tuple[str, ...] | None = None,
        skipping: tuple[str, ...] = (),
    ) -> BotMessage:
        """The next item must contain ``substring`` in its visible text. Items containing one of
        ``skipping`` (messages of another kind that may arrive in between, such as a broadcast summary or
        the sender's own copy of a notice) are passed over; anything else fails."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            msg = await self.next_message(max(deadline - loop.time(), 0.0), kind)
            if substring in msg.text:
                return msg
            if not any(other in msg.text for other in skipping):
                raise AssertionError(f"{self._label}: expected a message containing {substring!r}, got {msg}")

    async def no_message(self, within: float = 0.5) -> None:
        """Assert the bot sends nothing to this chat for ``within`` seconds. (A test of the bot proves silence
        instead by waiting until the bot is done, then finding the inbox empty: tests/support/silence.py.)"""
        try:
            msg = await asyncio.wait_for(self.inbox.get(), within)
        except TimeoutError:
            return
        raise AssertionError(f"{self._label}: expected silence for {within}s, got {msg}")

    def drain(self) -> list[BotMessage]:
        """Empty the inbox, returning what was in it."""
        items: list[BotMessage] = []
        while not self.inbox.empty():
            items.append(self.inbox.get_nowait())
        return items


class EmuGroup(Inbox):
    """A group chat; the bot's messages to it arrive in this object's inbox."""

    def __init__(self, emu: ChatBackend, chat_id: int, title: str) -> None:
        super().__init__(f"group {chat_id} ({title})")
        self.emu = emu
        self.chat_id = chat_id
        self.title = title
        self.members: set[int] = set()
        self.admins: set[int] = set()
        self.owner_id: int | None = None

    def add_member(self, user: EmuUser, admin: bool = False, owner: bool = False) -> None:
        self.members.add(user.id)
        if admin:
            self.admins.add(user.id)
        if owner:
            self.owner_id = user.id

    def chat_object(self) -> dict[str, Any]:
        kind = "supergroup" if self.chat_id <= -1_000_000_000_000 else "group"
        return {"id": self.chat_id, "type": kind, "title": self.title}


class EmuUser(Inbox):
    """A Telegram user chatting with the bot (private chat id == user id)."""

    def __init__(
        self,
        emu: ChatBackend,
        user_id: int,
        first_name: str,
        language_code: str = "zh",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        super().__init__(f"user {user_id} ({first_name})")
        self.emu = emu
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.username = username
        self.last_name = last_name
        self.started = False  # has written to the bot, so the bot may message them
        self.blocked = False

    def user_object(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out

    def chat_object(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out

    # ------------------------------------------------------------ user actions
    async def _post(self, chat: EmuGroup | None, **fields: Any) -> int:
        if chat is None:
            self.started = True
            chat_id = self.id
        else:
            chat.members.add(self.id)
            chat_id = chat.chat_id
        msg = self.emu.store_message(chat_id, self.user_object(), False, **fields)
        update_id = self.emu.queue_update({"message": msg.to_api()})
        await asyncio.sleep(0)
        return update_id

    async def send(self, text: str, chat: EmuGroup | None = None) -> int:
        """Write ``text`` to the bot (private chat, or ``chat``); return the update_id."""
        entities: list[dict[str, Any]] = []
        command = _COMMAND_RE.match(text)
        if command:
            length = len(command.group().encode("utf-16-le")) // 2
            entities.append({"type": "bot_command", "offset": 0, "length": length})
        return await self._post(chat, text=text, html=text, entities=entities)

    async def send_photo(
        self, caption: str | None = None, chat: EmuGroup | None = None, data: bytes | None = None
    ) -> int:
        """Send a photo (two sizes, retrievable via getFile); return the update_id."""
        content = data or _FAKE_JPEG
        files = [self.emu.store_file("photo.jpg", content, "photos", "image/jpeg") for _ in range(2)]
        return await self._post(chat, kind="photo", text=caption or "", html=caption or "", files=files)

    async def send_document(
        self, data: bytes, filename: str, caption: str | None = None, chat: EmuGroup | None = None
    ) -> int:
        """Send a document; return the update_id."""
        stored = self.emu.store_file(filename, data, "documents")
        return await self._post(chat, kind="document", text=caption or "", html=caption or "", files=[stored])

    async def send_voice(self, chat: EmuGroup | None = None) -> int:
        """Send a five-second voice message; return the update_id."""
        stored = self.emu.store_file("voice.ogg", b"OggS-fake-voice", "voice", "audio/ogg")
        return await self._post(chat, kind="voice", text="", html="", files=[stored])

    async def send_location(self, latitude: float, longitude: float, chat: EmuGroup | None = None) -> int:
        """Share a location (Telegram's location button); return the update_id."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._post(chat, kind="location", text="", html="", extra={"location": location})

    async def send_sticker(self, chat: EmuGroup | None = None) -> int:
        """Send a sticker; return the update_id."""
        stored = self.emu.store_file("sticker.webp", b"RIFF-fake-webp", "stickers", "image/webp")
        return await self._post(chat, kind="sticker", text="", html="", files=[stored])

    def _candidates(self, message: BotMessage | StoredMessage | None) -> list[StoredMessage]:
        if message is None:
            return list(reversed(self.emu.chat_messages(self.id)))
        stored = self.emu.get_message(message.chat_id, message.message_id)
        if stored is None:
            raise AssertionError(
                f"{self._label}: message {message.message_id} in chat {message.chat_id} no longer exists (deleted?)"
            )
        return [stored]

    async def press(self, label: str, message: BotMessage | StoredMessage | None = None) -> int:
        """Press the inline button whose text equals or contains ``label`` on the newest message
        (in this user's private chat) that has one, or on ``message``; return the update_id."""
        seen: list[tuple[int, list[str]]] = []
        for stored in self._candidates(message):
            flat = [b for row in stored.buttons for b in row]
            if not flat:
                continue
            seen.append((stored.message_id, [b.text for b in flat]))
            match: Button | None = next((b for b in flat if b.text == label), None) or next(
                (b for b in flat if label in b.text), None
            )
            if match is None:
                continue
            if match.callback_data is None:
                raise AssertionError(f"{self._label}: button {match.text!r} is a URL button ({match.url})")
            return await self._callback(stored, match.callback_data)
        raise AssertionError(
            f"{self._label}: no inline button containing {label!r}; available (message_id, labels): {seen or 'none'}"
        )

    async def press_data(self, data: str | None, message: BotMessage | StoredMessage | None = None) -> int:
        """Send a callback query with raw ``data`` for ``message`` (default: newest bot message); None sends
        one without data, as a buggy or hostile client may."""
        candidates = self._candidates(message)
        if not candidates:
            raise AssertionError(f"{self._label}: no bot message to press a button on")
        return await self._callback(candidates[0], data)

    async def _callback(self, stored: StoredMessage, data: str | None) -> int:
        query_id = self.emu.new_callback(self.id, stored.chat_id, stored.message_id)
        query: dict[str, Any] = {
            "id": query_id,
            "from": self.user_object(),
            "message": stored.to_api(),
            "chat_instance": str((stored.chat_id * 7919 + self.emu.bot_id) % 10**18),
        }
        if data is not None:
            query["data"] = data
        update_id = self.emu.queue_update({"callback_query": query})
        await asyncio.sleep(0)
        return update_id

    def last_message_with_buttons(self) -> BotMessage:
        """Current state of the newest bot message with inline buttons in the private chat."""
        for stored in reversed(self.emu.chat_messages(self.id)):
            if stored.reply_markup:
                return stored.snapshot("message")
        raise AssertionError(f"{self._label}: no bot message with inline buttons; {self._history()}")

    async def redeliver(self, update_id: int) -> int:
        """Deliver an earlier update again with the same update_id (crash-recovery tests)."""
        self.emu.redeliver(update_id)
        await asyncio.sleep(0)
        return update_id

    def __repr__(self) -> str:
        return f"EmuUser({self.id}, {self.first_name!r})"
