"""Tests of the local Bot API emulator itself: raw HTTP calls, the driver, and a real PTB Bot."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.emulator import BotApiEmulator, BotMessage, Button, EmuUser
from bot.emulator.html import HtmlError, parse_html, visible_text

TOKEN = "123456:TEST-TOKEN"
ALICE = 1001


def keyboard(*rows: list[tuple[str, str]]) -> str:
    return json.dumps({"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in row] for row in rows]})


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{emu.base_url}/bot{TOKEN}/", trust_env=False) as http:
        yield http


@pytest.fixture
async def alice(emu: BotApiEmulator) -> EmuUser:
    user = emu.add_user(ALICE, "Alice", username="alice")
    await user.send("/start")
    return user


async def call(client: httpx.AsyncClient, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post(method, data={k: str(v) for k, v in params.items()})
    return response.status_code, response.json()


# ------------------------------------------------------------------------------ HTML validator
@pytest.mark.parametrize(
    ("html", "visible"),
    [
        ("Tom &amp; &lt;Jerry&gt;", "Tom & <Jerry>"),
        ("<b>bold</b> <i>it</i> <u>u</u> <s>s</s> <strong>x</strong>", "bold it u s x"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ('<span class="tg-spoiler">hidden</span> <tg-spoiler>too</tg-spoiler>', "hidden too"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>quote</blockquote>", "quote"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("&#20154;&#x6c11; &quot;q&quot; a > b", '人民 "q" a > b'),
        ("<B>caps</B>", "caps"),
    ],
)
def test_html_accepted(html: str, visible: str) -> None:
    assert visible_text(html) == visible


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("Tom & <Jerry>", "&"),
        ("Tom &amp; <Jerry>", 'Unsupported start tag "jerry"'),
        ("a < b", "Unsupported start tag"),
        ("<br>line", 'Unsupported start tag "br"'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ('<span class="other">x</span>', "tg-spoiler"),
        ("&nbsp;", "&"),
        ("<b", "Unclosed start tag"),
    ],
)
def test_html_refused(html: str, detail: str) -> None:
    with pytest.raises(HtmlError) as info:
        visible_text(html)
    assert detail in info.value.description


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('👍 <b>党支部</b> <a href="https://t.me/x">x</a>')
    assert text == "👍 党支部 x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 7, "length": 1, "url": "https://t.me/x"},
    ]


# ------------------------------------------------------------------------------ raw HTTP
async def test_get_me_any_case_get_and_json(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    status, body = await call(client, "getMe")
    assert status == 200 and body["result"]["username"] == "zhibu_bot"
    assert body["result"]["id"] == 7000000001 and body["result"]["is_bot"] is True
    assert (await client.get("GETME")).json()["result"]["first_name"] == "Zhibu"
    assert (await client.post("someFutureMethod", json={"x": 1})).json() == {"ok": True, "result": True}
    assert [m for m, _ in emu.calls] == ["getme", "getme", "somefuturemethod"]


async def test_private_chat_needs_start_and_respects_blocking(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    bob = emu.add_user(2002, "Bob")
    status, body = await call(client, "sendMessage", chat_id=2002, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot can't initiate conversation with a user")
    assert (await call(client, "sendMessage", chat_id=9999, text="hi"))[1]["description"] == (
        "Bad Request: chat not found"
    )
    await bob.send("/start")
    assert (await call(client, "sendMessage", chat_id=2002, text="hi"))[0] == 200
    emu.block(2002)
    status, body = await call(client, "sendMessage", chat_id=2002, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    group = emu.add_group(-100500, "支部群")
    status, body = await call(client, "sendMessage", chat_id=-100500, text="<b>大家好</b>", parse_mode="HTML")
    assert status == 200 and body["result"]["chat"] == {"id": -100500, "type": "group", "title": "支部群"}
    assert (await group.next_message()).text == "大家好"


async def test_html_and_length_refusals(alice: EmuUser, client: httpx.AsyncClient) -> None:
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="Tom & <Jerry>", parse_mode="HTML")
    assert status == 400 and body["description"].startswith("Bad Request: can't parse entities: ")
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="Tom & <Jerry>")
    assert status == 200 and body["result"]["text"] == "Tom & <Jerry>"  # no parse_mode: literal
    ok = "<b>" + "字" * 4096 + "</b>"  # 4096 visible characters: tags do not count
    assert (await call(client, "sendMessage", chat_id=ALICE, text=ok, parse_mode="HTML"))[0] == 200
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="a" * 4095 + "👍")  # 4097 units
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="<b> </b>", parse_mode="HTML")
    assert body["description"] == "Bad Request: message text is empty"
    doc = {"document": ("a.txt", b"x", "text/plain")}
    response = await client.post("sendDocument", data={"chat_id": str(ALICE), "caption": "c" * 1025}, files=doc)
    assert response.json()["description"] == "Bad Request: message caption is too long"


async def test_callback_data_limits(alice: EmuUser, client: httpx.AsyncClient) -> None:
    for data, expected in (("x" * 64, 200), ("x" * 65, 400), ("é" * 33, 400), ("", 400)):
        status, body = await call(client, "sendMessage", chat_id=ALICE, text="k", reply_markup=keyboard([("b", data)]))
        assert status == expected, data
        if status == 400:
            assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"
    no_text = json.dumps({"inline_keyboard": [[{"text": "", "callback_data": "x"}]]})
    assert (await call(client, "sendMessage", chat_id=ALICE, text="k", reply_markup=no_text))[0] == 400


async def test_rate_limit_answers_429_with_retry_after(
    emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient
) -> None:
    emu.rate_limit = 3
    statuses = [(await call(client, "sendMessage", chat_id=ALICE, text=f"m{i}"))[0] for i in range(3)]
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="one too many")
    assert statuses == [200, 200, 200] and status == 429
    assert body["description"] == "Too Many Requests: retry after 1" and body["parameters"] == {"retry_after": 1}
    assert emu.stats["429"] == 1 and emu.stats["sent"] == 3
    assert len(alice.drain()) == 3


async def test_the_rate_is_counted_in_any_sliding_second(
    emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient
) -> None:
    emu.rate_limit = 2
    assert (await call(client, "sendMessage", chat_id=ALICE, text="a"))[0] == 200
    emu._sends[-1] -= 0.6  # sent 0.6 s ago
    assert (await call(client, "sendMessage", chat_id=ALICE, text="b"))[0] == 200
    assert (await call(client, "sendMessage", chat_id=ALICE, text="c"))[0] == 429  # two in the last second
    emu._sends[0] -= 0.5  # the first is now 1.1 s old: one slot free again
    assert (await call(client, "sendMessage", chat_id=ALICE, text="d"))[0] == 200


async def test_chat_limits_a_private_burst_then_one_a_second_and_twenty_a_minute_per_group(
    emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient
) -> None:
    emu.chat_limits = True
    statuses = [(await call(client, "sendMessage", chat_id=ALICE, text=f"m{i}"))[0] for i in range(6)]
    assert statuses == [200] * 5 + [429]
    group = emu.add_group(-100900, "群")
    group_statuses = [(await call(client, "sendMessage", chat_id=-100900, text=f"g{i}"))[0] for i in range(21)]
    assert group_statuses == [200] * 20 + [429]
    assert len(group.drain()) == 20


async def test_long_poll_wakes_on_update_and_offset_confirms(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    bob = emu.add_user(2002, "Bob", language_code="en")
    started = time.monotonic()
    poll = asyncio.create_task(call(client, "getUpdates", timeout=10))
    await asyncio.wait_for(emu.poll_started(), 5)  # the long poll is waiting before the update comes
    assert emu.polls_waiting == 1
    update_id = await bob.send("/help@zhibu_bot now")
    _, body = await poll
    assert time.monotonic() - started < 2
    [update] = body["result"]
    assert update["update_id"] == update_id
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 15}]
    assert update["message"]["from"]["language_code"] == "en"
    assert len((await call(client, "getUpdates"))[1]["result"]) == 1  # not confirmed yet
    assert (await call(client, "getUpdates", offset=update_id + 1, timeout=0))[1]["result"] == []
    assert emu.pending_updates() == [] and emu.updates_sent == 2


async def test_press_by_label_and_answer_alert(emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient) -> None:
    _, body = await call(
        client,
        "sendMessage",
        chat_id=ALICE,
        text="确认?",
        reply_markup=keyboard([("✅ 确认", "ok:1"), ("取消", "no:1")]),
    )
    sent = await alice.next_message()
    assert sent.labels() == ["✅ 确认", "取消"] and sent.button("取消") == Button("取消", "no:1")
    with pytest.raises(AssertionError, match="取消"):
        await alice.press("不存在")
    update_id = await alice.press("确认")
    _, updates = await call(client, "getUpdates")
    query = next(u for u in updates["result"] if u["update_id"] == update_id)["callback_query"]
    assert query["data"] == "ok:1" and query["message"]["message_id"] == body["result"]["message_id"]
    _, answered = await call(client, "answerCallbackQuery", callback_query_id=query["id"], text="已确认")
    assert answered["result"] is True
    alert = await alice.next_message(kind="alert")
    assert alert.text == "已确认" and alert.message_id == sent.message_id
    assert (await call(client, "answerCallbackQuery", callback_query_id=query["id"]))[0] == 400


async def test_edit_not_modified_and_edit_delivery(alice: EmuUser, client: httpx.AsyncClient) -> None:
    markup = keyboard([("A", "a")])
    _, body = await call(client, "sendMessage", chat_id=ALICE, text="<b>v1</b>", parse_mode="HTML", reply_markup=markup)
    mid = body["result"]["message_id"]
    same = {"chat_id": ALICE, "message_id": mid, "text": "<b>v1</b>", "parse_mode": "HTML", "reply_markup": markup}
    status, body = await call(client, "editMessageText", **same)
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified: specified new")
    status, body = await call(client, "editMessageText", **{**same, "text": "v2"})
    assert status == 200 and body["result"]["text"] == "v2" and "edit_date" in body["result"]
    status, body = await call(client, "editMessageReplyMarkup", chat_id=ALICE, message_id=mid)
    assert status == 200 and "reply_markup" not in body["result"]
    assert [(m.kind, m.text, m.labels()) for m in alice.drain()] == [
        ("message", "v1", ["A"]),
        ("edit", "v2", ["A"]),
        ("edit", "v2", []),
    ]
    assert (await call(client, "editMessageText", chat_id=ALICE, message_id=999, text="x"))[1]["description"] == (
        "Bad Request: message to edit not found"
    )
    _, inline = await call(client, "editMessageText", inline_message_id="abc", text="x")
    assert inline["result"] is True


async def test_documents_files_and_commands(emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient) -> None:
    response = await client.post(
        "sendDocument",
        data={"chat_id": str(ALICE), "caption": "<i>名单</i>", "parse_mode": "HTML"},
        files={"document": ("名单.csv", "姓名\n张三\n".encode(), "text/csv")},
    )
    document = response.json()["result"]["document"]
    received = await alice.next_message()
    assert (received.kind, received.document_name, received.caption) == ("document", "名单.csv", "名单")
    _, file = await call(client, "getFile", file_id=document["file_id"])
    download = await client.get(f"{emu.base_url}/file/bot{TOKEN}/{file['result']['file_path']}")
    assert download.content == "姓名\n张三\n".encode()
    await alice.send_photo(caption="照片")
    photo = emu.pending_updates()[-1]["message"]["photo"][-1]
    assert (await call(client, "getFile", file_id=photo["file_id"]))[0] == 200
    commands = json.dumps([{"command": "help", "description": "帮助"}])
    scope = json.dumps({"type": "chat", "chat_id": ALICE})
    assert (await call(client, "setMyCommands", commands=commands, scope=scope, language_code="zh"))[0] == 200
    assert (await call(client, "getMyCommands", scope=scope, language_code="zh"))[1]["result"][0]["command"] == "help"
    assert (await call(client, "getMyCommands"))[1]["result"] == []
    bad = json.dumps([{"command": "Help-Me", "description": "x"}])
    assert (await call(client, "setMyCommands", commands=bad))[1]["description"] == "Bad Request: BOT_COMMAND_INVALID"


async def test_fault_injection(emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient) -> None:
    emu.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    status, body = await call(client, "sendMessage", chat_id=ALICE, text="x")
    assert (status, body["parameters"]) == (429, {"retry_after": 7}) and emu.stats["429"] == 1
    emu.fault_hook = lambda method, params: web.json_response({"ok": False}, status=502) if method == "getme" else None
    assert (await client.post("getMe")).status_code == 502
    assert (await call(client, "sendMessage", chat_id=ALICE, text="x"))[0] == 200
    await alice.expect("x")
    assert alice.drain() == []  # the calls were answered: whatever they delivered is in the inbox already


async def test_delay_next_still_performs_the_send(
    emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient
) -> None:
    emu.delay_next("sendMessage", 0.5)
    with pytest.raises(httpx.ReadTimeout):
        await client.post("sendMessage", data={"chat_id": str(ALICE), "text": "送达了"}, timeout=0.1)
    assert (await alice.expect("送达了", timeout=0.1)).kind == "message"
    assert [m.text for m in emu.chat_messages(ALICE)] == ["送达了"]


async def test_redeliver_reuses_the_update_id(emu: BotApiEmulator, alice: EmuUser, client: httpx.AsyncClient) -> None:
    first = emu.pending_updates()[0]["update_id"]
    _, body = await call(client, "getUpdates", offset=first + 1)
    assert body["result"] == []
    assert await alice.redeliver(first) == first
    _, body = await call(client, "getUpdates", offset=first + 1)
    assert [u["update_id"] for u in body["result"]] == [first]
    assert (await call(client, "getUpdates", offset=first + 1))[1]["result"] == []


async def test_next_message_timeout_is_helpful(alice: EmuUser) -> None:
    with pytest.raises(AssertionError, match=r"no message from the bot within 0\.05s"):
        await alice.next_message(timeout=0.05)


# ------------------------------------------------------------------------------ PTB round trip
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter.retry_after
async def test_python_telegram_bot_round_trip(emu: BotApiEmulator) -> None:
    alice = emu.add_user(ALICE, "Alice")
    bot = telegram.Bot(TOKEN, base_url=emu.base_url + "/bot", base_file_url=emu.base_url + "/file/bot")
    async with bot:
        assert bot.username == "zhibu_bot"
        with pytest.raises(Forbidden):
            await bot.send_message(ALICE, "too early")
        await alice.send("/start")
        [update] = await bot.get_updates(timeout=1)
        assert update.message is not None and update.message.text == "/start"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("好的", callback_data="ok")]])
        sent = await bot.send_message(ALICE, "<b>你好</b>, Alice", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "你好, Alice" and sent.text_html == "<b>你好</b>, Alice"
        await alice.press("好的")
        [press] = await bot.get_updates(offset=update.update_id + 1, timeout=1)
        assert press.callback_query is not None and press.callback_query.data == "ok"
        assert await press.callback_query.answer("收到")
        edited = await bot.edit_message_text("再见", chat_id=ALICE, message_id=sent.message_id)
        assert isinstance(edited, telegram.Message) and edited.text == "再见"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("再见", chat_id=ALICE, message_id=sent.message_id)
        doc = await bot.send_document(ALICE, b"a,b\n1,2\n", filename="export.csv", caption="导出")
        assert doc.document is not None and doc.document.file_name == "export.csv"
        file = await bot.get_file(doc.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
        emu.rate_limit = 1
        with pytest.raises(RetryAfter):
            await bot.send_message(ALICE, "throttled")
    kinds = [m.kind for m in alice.drain()]
    assert kinds == ["message", "alert", "edit", "document"]
    last: BotMessage = emu.chat_messages(ALICE)[-1].snapshot("document")
    assert last.document_bytes == b"a,b\n1,2\n"


async def test_loopback_only_and_webhook_blocks_polling(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        await BotApiEmulator().start(host="0.0.0.0")
    assert emu.base_url.startswith("http://127.0.0.1:")
    await call(client, "setWebhook", url="https://example.org/hook")
    status, body = await call(client, "getUpdates")
    assert status == 409 and body["description"].startswith("Conflict: can't use getUpdates")
    await call(client, "deleteWebhook", drop_pending_updates="true")
    assert (await call(client, "getWebhookInfo"))[1]["result"]["url"] == ""
