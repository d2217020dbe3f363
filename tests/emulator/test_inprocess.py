"""The emulator reached in process through PTB's `BaseRequest` (`bot.emulator.inprocess`): a real PTB `Bot` gets the
answers, errors, files and time-outs it gets over HTTP, with no server started."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator, EmuUser
from bot.emulator.inprocess import IN_PROCESS, EmulatorRequest

ALICE = 1001


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(
        "123456:TEST-TOKEN",
        base_url=IN_PROCESS + "/bot",
        base_file_url=IN_PROCESS + "/file/bot",
        request=EmulatorRequest(emu, read_timeout=0.5),
        get_updates_request=EmulatorRequest(emu),
    ) as opened:
        yield opened


@pytest.fixture
async def alice(emu: BotApiEmulator) -> EmuUser:
    user = emu.add_user(ALICE, "Alice")
    await user.send("/start")
    return user


async def test_no_server_is_started_and_calls_reach_the_core(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username) == (emu.bot_id, emu.bot_username)
    assert emu.base_url == "" and emu.calls_of("getMe")


async def test_a_message_with_buttons_reaches_the_user_and_a_press_comes_back_as_an_update(
    emu: BotApiEmulator, bot: telegram.Bot, alice: EmuUser
) -> None:
    [start] = await bot.get_updates()
    assert start.message is not None and start.message.text == "/start"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok")]])
    sent = await bot.send_message(ALICE, "<b>通知</b> Tom &amp; Jerry", parse_mode="HTML", reply_markup=markup)
    got = await alice.expect("通知 Tom & Jerry")
    assert got.message_id == sent.message_id and got.labels() == ["确认"]
    await alice.press("确认", got)
    [press] = await bot.get_updates(offset=start.update_id + 1)
    assert press.callback_query is not None and press.callback_query.data == "ok"


async def test_a_document_uploads_and_a_file_downloads(emu: BotApiEmulator, bot: telegram.Bot, alice: EmuUser) -> None:
    sent = await bot.send_document(ALICE, b"name,branch\n", filename="roster.csv", caption="名册")
    assert sent.document is not None and sent.document.file_name == "roster.csv"
    assert (await alice.next_message()).document_name == "roster.csv"
    await alice.send_document(b"\x00\x01data", "upload.bin")
    [*_, update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    file = await bot.get_file(update.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"\x00\x01data"


async def test_errors_are_telegrams_errors(emu: BotApiEmulator, bot: telegram.Bot, alice: EmuUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "nobody")
    emu.block(ALICE)
    with pytest.raises(Forbidden):
        await bot.send_message(ALICE, "blocked")
    emu.unblock(ALICE)
    emu.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(ALICE, "flood")
    retry = refused.value.retry_after  # seconds, or a timedelta (PTB's switch)
    assert (retry.total_seconds() if hasattr(retry, "total_seconds") else retry) == 3
    emu.fault_hook = lambda method, params: web.json_response({"ok": False}, status=502)
    with pytest.raises(NetworkError):
        await bot.get_me()
    emu.fault_hook = lambda method, params: web.StreamResponse()
    with pytest.raises(NetworkError, match="start the HTTP server"):
        await bot.get_me()


async def test_an_answer_later_than_the_read_time_out_is_a_time_out_after_the_send(
    emu: BotApiEmulator, bot: telegram.Bot, alice: EmuUser
) -> None:
    emu.delay_next("sendMessage", 1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(ALICE, "late")  # the request's read time-out is 0.5 s
    assert (await alice.next_message()).text == "late"  # Telegram had taken it all the same
