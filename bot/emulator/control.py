"""Control routes for the emulator run on its own (`python -m bot.emulator`): act as a user over HTTP.

    POST /_emu/users/<id>/send    {"text": "/start", "name": "张金花", "lang": "zh"}  → {"update_id": N}
    POST /_emu/users/<id>/press   {"label": "Send"}                                 → {"update_id": N}
    GET  /_emu/users/<id>/messages                                                  → what the bot sent them
    POST /_emu/groups/<id>        {"title": "一村党支部群"}                            → the group exists

Loopback only, like the emulator itself; for trying the real `python -m bot run` by hand or by script.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .driver import EmuUser
from .server import BotApiEmulator


def _message(m: Any) -> dict[str, Any]:
    return {
        "kind": m.kind,
        "chat_id": m.chat_id,
        "message_id": m.message_id,
        "text": m.text,
        "buttons": m.labels(),
        "document": m.document_name,
    }


def install(emu: BotApiEmulator) -> None:
    """Add the control routes to the emulator's web application."""

    async def body(request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except json.JSONDecodeError as exc:
            raise web.HTTPBadRequest(text=f"JSON body expected: {exc}") from exc
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="JSON object expected")
        return data

    def user(request: web.Request, data: dict[str, Any] | None = None) -> EmuUser:
        user_id = int(request.match_info["user_id"])
        data = data or {}
        return emu.add_user(
            user_id, str(data.get("name") or f"user{user_id}"), language_code=str(data.get("lang") or "zh")
        )

    async def send(request: web.Request) -> web.Response:
        data = await body(request)
        update_id = await user(request, data).send(str(data.get("text", "")))
        return web.json_response({"update_id": update_id})

    async def press(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            update_id = await user(request, data).press(str(data.get("label", "")))
        except AssertionError as exc:
            raise web.HTTPNotFound(text=str(exc)) from exc
        return web.json_response({"update_id": update_id})

    async def messages(request: web.Request) -> web.Response:
        return web.json_response(
            [_message(m) for m in user(request).received], dumps=lambda v: json.dumps(v, ensure_ascii=False)
        )

    async def group(request: web.Request) -> web.Response:
        data = await body(request)
        emu.add_group(int(request.match_info["chat_id"]), str(data.get("title") or "group"))
        return web.json_response({"ok": True})

    def setup(app: web.Application) -> None:
        app.router.add_post(r"/_emu/users/{user_id:\d+}/send", send)
        app.router.add_post(r"/_emu/users/{user_id:\d+}/press", press)
        app.router.add_get(r"/_emu/users/{user_id:\d+}/messages", messages)
        app.router.add_post(r"/_emu/groups/{chat_id:-?\d+}", group)

    emu.route_setups.append(setup)
