"""The page buttons of long lists (`bot.services.kernel.pages`) in Telegram: a press edits the pressed message to
show the page asked for, and answers the press; a stale or forged press is answered like an expired
button. Each list registers its own buttons (`register_list`); `status` also registers the catch-all for
page payloads that name no list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.domain.call import Call
from bot.domain.results import Reply, alert
from bot.handlers.common import Handler, call, deps, is_private, render
from bot.i18n import reply_text
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.runtime.delivery import markup
from bot.services.kernel.buttons import ListPage, list_pages, stale_pages
from bot.services.kernel.deps import Deps

#: A list's page use case, called as every use case is: (deps, call, the button pressed) → the page, or an alert.
PageCase = Callable[[Deps, Call, ListPage], Awaitable[Reply]]


async def show_page(update: Update, context: ZhibuContext, answer: Reply) -> None:
    """Answer the press and put the page in place of the pressed message (an alert only pops up)."""
    query = update.callback_query
    assert query is not None
    if answer.alert:
        await render(update, context, answer)
        return
    await query.answer()
    try:
        await query.edit_message_text(
            reply_text(answer, context.lang), parse_mode=ParseMode.HTML, reply_markup=markup(answer.buttons)
        )
    except BadRequest as exc:  # the same page pressed again: nothing changed, nothing to do
        if "not modified" not in str(exc):
            raise


def expired(command: str | None) -> Handler:
    """The answer to a page button that no longer means anything: an alert naming the command to send."""

    async def answer(update: Update, context: ZhibuContext) -> None:
        await render(update, context, alert("pages.expired", command=command) if command else alert("pages.gone"))

    return answer


def register_list(app: ZhibuApp, name: str, command: str, case: PageCase) -> None:
    """The page buttons of the list `name` (shown by `command`), then their catch-all. Lists are only
    shown in a private chat, so a press on a message elsewhere is refused like an expired button."""
    stale = expired(command)

    async def on_page(update: Update, context: ZhibuContext) -> None:
        query = update.callback_query
        pressed = ListPage.unpack(query.data) if query is not None else None
        if pressed is None or not is_private(update):
            await stale(update, context)
            return
        await show_page(update, context, await case(deps(context), call(context), pressed))

    app.add_handler(CallbackQueryHandler(on_page, pattern=list_pages(name)))
    app.add_handler(CallbackQueryHandler(stale, pattern=stale_pages(name)))


def register_unknown(app: ZhibuApp) -> None:
    """A page payload naming no list at all (forged): answered like an expired button."""
    app.add_handler(CallbackQueryHandler(expired(None), pattern=stale_pages()))
