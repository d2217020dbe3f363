"""`/care` and `/carevisit` (关爱帮扶, 困难党员台账), the page buttons of the /care list, and /carevisit step by
step (a case's button on the guided list, what was brought, the next step or Skip). Telegram in and out only:
the rules are in `bot.services.care.common`, `care_visits`, `care_steps` and `care_reminders`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import alert
from bot.handlers import conversation, pages
from bot.handlers.common import actor, args_text, call, command, deps, is_private, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.care import steps as care_steps
from bot.services.care.buttons import CARE, CarePick, CareSkip
from bot.services.care.common import LIST, care_command, care_list_page
from bot.services.care.steps import VisitDraft, VisitStep
from bot.services.care.visits import care_visit


class C(IntEnum):
    BROUGHT = 1
    NEXT = 2


@command("care")
async def cmd_care(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await care_command(deps(context), call(context), args_text(context)),
    )


@command("carevisit")
async def cmd_carevisit(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await care_visit(deps(context), call(context), args_text(context)),
    )


def _draft(context: ZhibuContext) -> VisitDraft | None:
    return conversation.current(context, VisitDraft)


async def _show(update: Update, context: ZhibuContext, step: VisitStep) -> C | int:
    """Show the step and say which step comes next (none once the draft is done with)."""
    state = C.BROUGHT if step.draft is None or step.draft.step == care_steps.BROUGHT else C.NEXT
    return await conversation.step(update, context, VisitDraft, step.draft, step.result, state)


async def on_pick(update: Update, context: ZhibuContext) -> C | int:
    query = update.callback_query
    pressed = CarePick.unpack(query.data) if query is not None else None
    person = actor(context)
    if pressed is None or person.member is None or not is_private(update):
        return await _show(update, context, care_steps.expired())
    return await _show(update, context, await care_steps.pick(deps(context), call(context), pressed.case_id))


async def on_text(update: Update, context: ZhibuContext) -> C | int:
    assert update.effective_message is not None
    return await _show(
        update,
        context,
        await care_steps.answer(deps(context), call(context), _draft(context), update.effective_message.text or ""),
    )


async def on_skip(update: Update, context: ZhibuContext) -> C | int:
    return await _show(
        update,
        context,
        await care_steps.finish(deps(context), call(context), _draft(context), ""),
    )


async def on_not_text(update: Update, context: ZhibuContext) -> C | int:
    return await _show(update, context, care_steps.not_text(_draft(context), context.lang))


async def on_cancel(update: Update, context: ZhibuContext) -> int:
    return await _show(update, context, care_steps.cancel())


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A care button that no longer means anything (a finished step, a forged value): an alert, nothing else."""
    await render(update, context, alert("care.step_expired"))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("care", cmd_care))
    app.add_handler(CommandHandler("carevisit", cmd_carevisit))
    text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    not_text = filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(on_pick, pattern=CarePick.matches)],
            states={
                C.BROUGHT: [
                    MessageHandler(text, on_text),
                    MessageHandler(not_text, on_not_text),
                    CallbackQueryHandler(on_pick, pattern=CarePick.matches),
                ],
                C.NEXT: [
                    MessageHandler(text, on_text),
                    MessageHandler(not_text, on_not_text),
                    CallbackQueryHandler(on_pick, pattern=CarePick.matches),
                    CallbackQueryHandler(on_skip, pattern=CareSkip.matches),
                ],
            },
            fallbacks=[CommandHandler("cancel", on_cancel)],
            name="carevisit",
            persistent=True,
        )
    )
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(CARE)))
    pages.register_list(app, LIST, "/care", care_list_page)
