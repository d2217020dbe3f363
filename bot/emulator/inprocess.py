"""The emulator reached in process: a python-telegram-bot request class that hands each Bot API call to the
emulator's core directly — no socket, no HTTP server, no JSON over the wire.

    emu = BotApiEmulator()                       # not started: no port is opened
    app = ApplicationBuilder().token("1:T").base_url(IN_PROCESS + "/bot")
          .request(EmulatorRequest(emu)).get_updates_request(EmulatorRequest(emu)).build()

The bot sees what it sees over HTTP: the same parameters (PTB's form values, JSON-encoded where not plain, files as
multipart parts), the same answers and error statuses, fault injection (``fail_next``, ``delay_next``,
``fault_hook`` answering with a ``web.Response``) and file downloads. A read time-out is honoured as
Telegram's would be: the call still happens, the bot stops waiting and gets ``TimedOut``. What needs a real socket
— a webhook, another process, the control routes, a ``StreamResponse`` from a fault hook — needs the HTTP server
(``await emu.start()``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from .models import Params, UploadedFile

if TYPE_CHECKING:
    from .server import BotApiEmulator

__all__ = ["IN_PROCESS", "EmulatorRequest"]

#: A base URL for the bot's settings when it talks to the emulator in process (no host is ever looked up).
IN_PROCESS = "http://emulator.invalid"
_FILE_PREFIX = "/file/bot"


class EmulatorRequest(BaseRequest):
    """PTB's `BaseRequest` over `BotApiEmulator.process`, in the same event loop."""

    def __init__(self, emulator: BotApiEmulator, read_timeout: float | None = 5.0) -> None:
        self.emulator = emulator
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,  # PTB's ODVInput[float]: a number, None, or "the default"
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        path = unquote(urlsplit(url).path)
        if path.startswith(_FILE_PREFIX):
            return self._download(path[len(_FILE_PREFIX) :])
        api_method = path.rsplit("/", 1)[-1].lower()
        timeout = read_timeout if read_timeout is None or isinstance(read_timeout, int | float) else self._read_timeout
        call = self.emulator.process(api_method, self._params(request_data))
        try:
            if api_method == "getupdates":  # a long poll given up on is simply over
                response = await asyncio.wait_for(call, timeout)
            else:  # like Telegram, the emulator finishes a call it was given even when the bot stops waiting
                response = await asyncio.wait_for(asyncio.shield(asyncio.ensure_future(call)), timeout)
        except TimeoutError:
            raise TimedOut(f"the emulator did not answer {api_method} within {timeout} s") from None
        return self._answer(response)

    @staticmethod
    def _params(request_data: RequestData | None) -> Params:
        """What the HTTP server would read from PTB's form: the JSON-encoded values and the file parts."""
        if request_data is None:
            return {}
        params: Params = dict(request_data.json_parameters)
        for name, part in request_data.multipart_data.items():
            filename, content = part[0], part[1]
            mime = part[2] if len(part) > 2 else None
            data = content if isinstance(content, bytes) else content.read()
            params[name] = UploadedFile(filename or name, data, mime or "application/octet-stream")
        return params

    @staticmethod
    def _answer(response: web.StreamResponse) -> tuple[int, bytes]:
        if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
            raise NetworkError(f"a {type(response).__name__} cannot be answered in process: start the HTTP server")
        return response.status, response.body

    def _download(self, rest: str) -> tuple[int, bytes]:
        """`/file/bot<token>/<file path>`: the stored file's bytes, or 404."""
        _token, _, file_path = rest.partition("/")
        stored = self.emulator.file_by_path(file_path)
        if stored is None:
            return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        return 200, stored.data
