"""Local Telegram Bot API emulator: an aiohttp server on 127.0.0.1 that the bot talks to.

Point python-telegram-bot at it with
``Bot(token, base_url=emu.base_url + "/bot", base_file_url=emu.base_url + "/file/bot")``.
Requests go to ``/bot<token>/<method>`` (any token, method names case-insensitive; form,
multipart, JSON body or query string), files are downloaded from ``/file/bot<token>/<path>``.
Answers are ``{"ok": true, "result": ...}`` or Telegram-style errors with the HTTP status equal
to ``error_code``. Fault injection: ``fault_hook``, ``fail_next`` and ``delay_next``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from .core import SEND_METHODS, EmulatorCore
from .models import ApiError, Params, UploadedFile

__all__ = ["SEND_METHODS", "BotApiEmulator", "FaultHook"]

log = logging.getLogger(__name__)

FaultHook = Callable[[str, Params], Awaitable[web.StreamResponse | None] | web.StreamResponse | None]
_CALLS_CAP = 10_000
_LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1"}


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


def error_response(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    """A Bot API error body ``{"ok": false, ...}`` with HTTP status ``status``."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


class BotApiEmulator(EmulatorCore):
    """The Bot API emulator (state in :class:`EmulatorCore`, HTTP and fault injection here)."""

    def __init__(
        self,
        bot_id: int = 7000000001,
        bot_name: str = "Zhibu",
        bot_username: str = "zhibu_bot",
        rate_limit: float | None = None,
        chat_limits: bool = False,
    ) -> None:
        super().__init__(bot_id, bot_name, bot_username, rate_limit, chat_limits)
        self.fault_hook: FaultHook | None = None
        self.internal_errors: list[str] = []  # unexpected exceptions (answered with 500)
        self.base_url = ""
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self.late_answers = 0  # answers held back by delay_next that have now been given
        self._runner: web.AppRunner | None = None
        #: Called with the aiohttp application before it starts (e.g. to add the control routes).
        self.route_setups: list[Callable[[web.Application], None]] = []

    # ----------------------------------------------------------------- fault injection
    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with this error instead of handling them."""
        queue = self._faults.setdefault(method.lower(), deque())
        queue.extend(_Fault(status, description, retry_after) for _ in range(times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Handle the next ``times`` calls of ``method`` normally (the send happens) but hold the
        answer for ``seconds``, so that a client with a shorter timeout gives up."""
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def calls_of(self, method: str) -> list[Params]:
        """Parameters of the logged calls of ``method``."""
        return [params for name, params in self.calls if name == method.lower()]

    # ----------------------------------------------------------------- lifecycle
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on loopback (``port=0``: a free port); return and set ``base_url``."""
        if host not in _LOOPBACK:
            raise ValueError(f"the emulator binds to 127.0.0.1 only, not {host!r}")
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        for setup in self.route_setups:
            setup(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, _LOOPBACK[host], port)
        await site.start()
        self._runner = runner
        self._closing = False
        bound = runner.addresses[0]
        self.base_url = f"http://127.0.0.1:{bound[1]}"
        return self.base_url

    async def stop(self) -> None:
        """Answer pending long polls and shut the server down."""
        self.wake_all_pollers()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ----------------------------------------------------------------- request handling
    @staticmethod
    async def _read_params(request: web.Request) -> Params:
        params: Params = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON request body must be an object")
            params.update(body)
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = UploadedFile(value.filename, value.file.read(), value.content_type)
            else:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"].lower()
        try:
            params = await self._read_params(request)
        except ApiError as exc:
            return self._error(exc)
        return await self.process(method, params)

    async def process(self, method: str, params: Params) -> web.StreamResponse:
        """Handle one Bot API call (``method`` lower-case) with fault injection and logging."""
        self.calls.append((method, params))
        if len(self.calls) > _CALLS_CAP:
            del self.calls[: len(self.calls) - _CALLS_CAP]
        if self.fault_hook is not None:
            hooked = self.fault_hook(method, params)
            if inspect.isawaitable(hooked):
                hooked = await hooked
            if hooked is not None:
                return hooked
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            extra = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
            return self._error(ApiError(fault.status, fault.description, extra))
        delays = self._delays.get(method)
        delay = delays.popleft() if delays else 0.0
        response = await self._dispatch(method, params)
        if delay > 0:
            await asyncio.sleep(delay)
            self.late_answers += 1
        return response

    async def _dispatch(self, method: str, params: Params) -> web.StreamResponse:
        handler: Callable[[Params], Awaitable[Any]] | None = getattr(self, f"api_{method}", None)
        try:
            result = True if handler is None else await handler(params)
        except ApiError as exc:
            return self._error(exc)
        except Exception as exc:
            log.exception("emulator failed on %s", method)
            self.internal_errors.append(f"{method}: {exc!r}")
            return self._error(ApiError(500, f"Internal Server Error: {exc!r}"))
        return web.json_response({"ok": True, "result": result})

    def _error(self, exc: ApiError) -> web.Response:
        self.stats[str(exc.status)] += 1
        return error_response(exc.status, exc.description, exc.parameters)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        stored = self.file_by_path(request.match_info["path"])
        if stored is None:
            return error_response(404, "Not Found")
        return web.Response(body=stored.data, headers={"Content-Type": stored.mime_type})
